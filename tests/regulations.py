"""The regulations' own numbers, copied by hand from the text, apart from the code.

The tests compare the portal's constants and step declarations with this table, so a wrong
limit in the one place the code holds it is still caught (the hostile-input tests read the
code's limits instead of copying them).

《网络舆情管理工作制度》 二.6: "回复的时限为网民反映事项后3日内，确需延长办理时间的不得超过5日。"
《网络舆情预警机制及应对预案》: 重大 from 1000 clicks, 100 comments or mainstream reposts;
特别重大 from 3000 clicks, 500 comments or 5 mainstream sites.
"""
REPLY_DAYS = 3
MAX_REPLY_DAYS = 5
GRADING = {"major_clicks": 1000, "critical_clicks": 3000, "major_comments": 100, "critical_comments": 500,
           "major_reposts": 1, "critical_reposts": 5}
