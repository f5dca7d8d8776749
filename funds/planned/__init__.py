"""Planned funding by source (资金来源计划): what a project's library entry says each fund source will
give it, before any allocation, later shown against what each source allocated.

`models` (PlannedFunding), `services` (set a source's planned amount; the rules that keep the plan
consistent with the budget and the allocations), `views` (the form on the project page's section).
"""
