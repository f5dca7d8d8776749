"""The project library (项目库): villages and townships propose, the township reviews (agree, or
return with a reason), the county approves into the year's library. `services` holds the rules,
`views` the pages (a proposal, the review, the year's list and its export), `exporting` the list in
the layout counties file upward.
"""
