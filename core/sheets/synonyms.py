"""What county sheets write in a choice column, beyond our codes and labels: every synonym, as data.

One table per kind of column, {code: words that mean it}. The codes and labels themselves are
accepted anyway (core.sheets.choices adds them); these are the other words staff write, collected
from county sheets. Words are compared as core.sheets.choices.choice_key folds them (full-width,
case, spaces and punctuation do not matter), so each is written once, plainly. A word may name one
code only: tests/test_choices.py fails on a word listed under two codes of a kind, and on a code
the kind does not have.

The kinds: `category` and `status` of a project (projects.models), `cost_category` of a payment and
`channel` of a fund source (funds.models). Townships and villages are looked up by name: the
suffixes below are what a county sheet leaves off or adds (泷泊 for 泷泊镇, 阳明社区居委会 for
阳明社区). Adding a word here is all it takes for every import to accept it.
"""
from __future__ import annotations

SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "category": {
        "road": ("公路", "道路", "通村公路", "村道", "乡道", "县道", "通组公路", "农村公路", "村组道路", "硬化路",
                 "道路硬化", "公路建设", "交通", "交通道路", "路面", "roads", "rural road", "highway"),
        "bridge": ("桥梁", "桥", "大桥", "便桥", "人行桥", "漫水桥", "bridges"),
        "telecom": ("宽带", "通信", "通讯", "光纤", "网络", "电信", "电话", "宽带网络", "通信网络", "光纤宽带",
                    "宽带进村", "电话宽带", "broadband", "telecom", "telecommunications", "internet", "fibre", "fiber"),
        "community_building": ("社区服务用房", "社区服务中心", "社区用房", "社区综合服务中心", "社区综合服务用房",
                               "社区办公服务用房", "community building", "community centre", "community center"),
        "village_platform": ("村级服务平台", "村级综合服务平台", "便民服务中心", "村级便民服务中心", "综合服务平台",
                             "村级综合服务中心", "村服务平台", "village platform", "village service centre",
                             "village service center"),
        "grid_management": ("网格化", "网格化管理", "网格化服务管理", "网格管理", "网格", "grid", "grid service"),
        "information_system": ("信息化", "信息系统", "信息平台", "信息化平台", "信息化建设", "智慧", "智慧城市",
                               "it", "information", "information technology", "digital"),
        "water": ("水利", "饮水", "供水", "安全饮水", "农村饮水", "人饮", "饮水安全", "水利设施", "灌溉", "水渠",
                  "water supply", "drinking water", "irrigation"),
        "other": ("其他", "其它", "others"),
    },
    "status": {
        "proposed": ("拟建", "计划", "储备", "谋划", "前期", "入库", "申报", "已申报", "待审批", "规划", "未开工",
                     "拟开工", "planned", "proposal", "pipeline"),
        "approved": ("已立项", "立项", "批复", "已批复", "已审批", "审批通过", "已批准", "待开工", "approve"),
        "in_progress": ("在建", "施工中", "实施中", "已开工", "进行中", "建设中", "续建", "正在建设", "正在施工",
                        "ongoing", "under construction", "started"),
        "completed": ("已完工", "完工", "竣工", "已竣工", "建成", "已建成", "完成", "已完成", "finished", "complete",
                      "done"),
        "accepted": ("已验收", "验收", "竣工验收", "验收合格", "已交付", "accept"),
        "suspended": ("暂停", "停工", "缓建", "中止", "暂缓", "on hold", "paused", "halted"),
        "cancelled": ("已取消", "取消", "撤销", "已撤销", "终止", "作废", "canceled", "cancel", "dropped"),
    },
    "cost_category": {
        "wages": ("劳务报酬", "工资", "劳务费", "人工费", "人工工资", "务工报酬", "劳务", "劳务工资", "工资性支出",
                  "wage", "labour", "labor", "labour remuneration"),
        "materials": ("材料", "材料费", "原材料", "建材", "建筑材料", "material"),
        "equipment": ("设备", "设备费", "机械", "机械费", "设备购置", "机械台班", "machinery"),
        "management_fee": ("管理费", "项目管理费", "管理费用", "management", "management fees", "admin fee"),
        "other": ("其他", "其它", "others"),
    },
    "channel": {
        "fiscal": ("财政", "财政资金", "财政拨款", "本级财政", "一般公共预算", "预算内", "fiscal"),
        "poverty_relief": ("扶贫", "扶贫资金", "扶贫移民", "移民资金", "衔接资金", "巩固衔接资金", "财政衔接资金",
                           "poverty relief", "resettlement"),
        "work_for_relief": ("以工代赈", "以工代赈资金", "工代赈", "work for relief"),
        "agricultural_development": ("农业开发", "农发", "农业综合开发", "农业开发资金", "agricultural development"),
        "land_consolidation": ("土地整理", "土地整治", "国土整治", "土地整理资金", "land consolidation"),
        "special_transport": ("交通专项", "交通专项资金", "车购税", "交通补助", "special transport", "transport fund"),
        "loan": ("贷款", "银行贷款", "融资", "loan", "bank loan"),
        "social_capital": ("社会资本", "社会资金", "社会投资", "企业投资", "social capital", "private capital"),
        "other": ("其他", "其它", "others"),
    },
}

# What a township's or village's name is written with or without. Longest first: 瑶族乡 before 乡.
AREA_SUFFIXES: tuple[str, ...] = (
    "社区居民委员会", "村民委员会", "社区居委会", "街道办事处", "居民委员会", "瑶族乡", "民族乡", "村委会", "居委会",
    "街道办", "街道", "社区", "村", "镇", "乡", "township", "town", "village", "community", "subdistrict")
