"""Performance targets (绩效目标) of a project and its year-end self-assessment.

Each project states indicators in the standard three tiers (output, benefit, satisfaction), each with a
unit, a comparison and a target value; the actual value is entered at completion or year end.
`models` holds the indicator and the tiers, `services` the rules and the self-assessment score (its
weights are data: `ASSESSMENT_WEIGHTS` in the settings), `views` the pages (the project page's panel,
the portfolio's scores for leadership). A proposal is approved into the library only with targets
(a projects.gates gate installed by projects' init_app).
"""
