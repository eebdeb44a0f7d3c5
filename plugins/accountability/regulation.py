"""What 《网络意识形态工作责任制实施细则》 (docs/regulations.txt, 附件3) says, written once: the
duties of 第四、五条 and the default checklist items of 第六—八条 (the office edits the template;
these only fill an empty one)."""

# 第四、五条: who answers for what. A duty of the Party group as a whole has no unit; the others
# are held per unit (the departments a member oversees, each branch and department).
DUTIES = {
    "secretary": ("第一责任人（党组书记）", "第四条：党组书记是第一责任人，带头抓网络意识形态工作。"),
    "direct": ("直接责任人（分管党务和宣传的领导）", "第四条：协助党组书记抓好统筹协调指导工作。"),
    "oversight": ("领导责任（一岗双责）", "第四条：党组其他成员抓好分管科室的网络意识形态工作。"),
    "unit_head": ("本单位第一责任人（支部书记、部门负责人）", "第五条：对本支部、部门职责范围内的网络意识形态工作负领导责任。"),
}
GROUP_DUTIES = ("secretary", "direct")
UNIT_DUTIES = ("oversight", "unit_head")
PARTY_GROUP = "局党组"  # 第四条：局党组对本局网络意识形态工作负主体责任

# Where the portal holds proof of an item: a source proposes records, the owner accepts or rejects.
SOURCES = {
    "": "无（上传材料）",
    "cases": "按时办结的舆情事项（本单位承办）",
    "assessment": "舆情研判记录",
    "review": "后期处置（总结评估）记录",
}

# scope: "group" (局党组), "unit" (each branch and department) or "all".
DEFAULT_ITEMS = [
    ("第六条（一）", "加强网络阵地建设", "unit", "",
     "按照属地管理、谁建设谁管理的原则，负责本支部、部门范围内的网络阵地建设和管理；利用好网络平台，开展重要决策部署、重大主题、重大活动、重大任务的网络宣传和舆论引导工作。"),
    ("第六条（二）", "加强网络素养教育", "all", "",
     "开展马克思主义中国化最新成果、社会主义核心价值观等理论的学习教育，提高领导干部的政治理论素养，增强网络世界的抵御能力。"),
    ("第六条（三）", "做强网上正面思想舆论宣传", "all", "",
     "做好先进典型、先进人物的宣传，在官方网站、微信公众号等线上平台开展正向舆论宣传引导。"),
    ("第七条（一）", "健全舆情综合防控体系", "unit", "cases",
     "建立健全组织保障、舆情搜集、分析研判、应急预警、应对处置和总结工作程序；建立突发网络舆情应急响应机制，第一时间掌握舆情动态。"),
    ("第七条（二）", "建好网络评论员队伍并定期培训", "group", "",
     "按照网络评论员队伍建设相关要求，组建网络评论员队伍，加强队伍管理，定期开展相关培训，规范工作流程。"),
    ("第七条（三）", "定期分析研判网络意识形态领域情况", "group", "assessment",
     "党组定期分析研判网络意识形态领域情况，研究加强和改进网络意识形态工作的方式方法。"),
    ("第七条（三）", "定期研判并向党组报告", "unit", "",
     "定期研判本支部、部门网络意识形态领域情况，及时向党组报告重大事件、重要情况以及重要网络舆情中倾向性和苗头性的问题，并提出建设性的建议。"),
    ("第八条", "突发网络舆情应急处置", "unit", "cases",
     "按照“舆情监控——舆情报告——舆情研判——分类处置——总结评估”的程序处置突发网络舆情应急事件，第一时间发现、研判、处置网络舆情。"),
    ("第八条", "舆情处置后总结评估", "group", "review",
     "在网络舆情被消除或趋于平稳后，根据舆情的发生、传播和处置情况及时进行总结、梳理、反思，不断健全完善工作机制。"),
    ("第八条2（1）", "特殊时期24小时监控", "group", "",
     "特殊时期安排专人24小时监控，重点加强对能源行业重点论坛的实时监控，及时了解社情民意，监测舆情发展动向。"),
]
SCOPES = {"all": "局党组和各支部、各部门", "group": "局党组", "unit": "各支部、各部门"}
