"""The demo county as plain data: areas, accounts, fund sources and rules, projects.

The towns and townships are Shuangpai county's real ones (public gazetteer, 2024) and the named
works come from the county's own account (DOMAIN.md). Villages, amounts, dates, contractors and
document numbers are illustrative. Money is in 万元 (whole numbers) here and becomes fen in the
seed; dates are month offsets from the day the seed runs, so "late" and "idle" stay true.
"""
from __future__ import annotations

# Towns and townships with their villages/communities: (code, Chinese, English, kind).
AREAS = [
    {"code": "LB", "zh": "泷泊镇", "en": "Longbo Town", "kind": "town",  # the county seat
     "children": [("LB-YM", "阳明社区", "Yangming Community", "community"),
                  ("LB-LF", "林峰社区", "Linfeng Community", "community"),
                  ("LB-SH", "双河村", "Shuanghe Village", "village")]},
    {"code": "JC", "zh": "江村镇", "en": "Jiangcun Town", "kind": "town",
     "children": [("JC-DT", "大塘村", "Datang Village", "village"),
                  ("JC-SX", "石溪村", "Shixi Village", "village"),
                  ("JC-XP", "新坪村", "Xinping Village", "village")]},
    {"code": "WLP", "zh": "五里牌镇", "en": "Wulipai Town", "kind": "town",
     "children": [("WLP-HS", "红山村", "Hongshan Village", "village"),
                  ("WLP-ZJ", "周家村", "Zhoujia Village", "village")]},
    {"code": "CL", "zh": "茶林镇", "en": "Chalin Town", "kind": "town",
     "children": [("CL-CX", "茶溪村", "Chaxi Village", "village"),
                  ("CL-YT", "云台村", "Yuntai Village", "village"),
                  ("CL-ZL", "竹林村", "Zhulin Village", "village")]},
    {"code": "HJD", "zh": "何家洞镇", "en": "Hejiadong Town", "kind": "town",
     "children": [("HJD-QS", "青山村", "Qingshan Village", "village"),
                  ("HJD-LW", "龙湾村", "Longwan Village", "village")]},
    {"code": "MJ", "zh": "麻江镇", "en": "Majiang Town", "kind": "town",
     "children": [("MJ-HT", "河塘村", "Hetang Village", "village"),
                  ("MJ-SB", "沙坝村", "Shaba Village", "village"),
                  ("MJ-PT", "坪头村", "Pingtou Village", "village")]},
    {"code": "TD", "zh": "塘底乡", "en": "Tangdi Township", "kind": "township",
     "children": [("TD-SL", "杉林村", "Shanlin Village", "village"),
                  ("TD-YK", "岩口村", "Yankou Village", "village")]},
    {"code": "SWJ", "zh": "上梧江瑶族乡", "en": "Shangwujiang Yao Ethnic Township", "kind": "township",
     "children": [("SWJ-WJ", "梧江村", "Wujiang Village", "village"),
                  ("SWJ-YS", "瑶山村", "Yaoshan Village", "village"),
                  ("SWJ-DP", "大坪村", "Daping Village", "village")]},
    {"code": "LJP", "zh": "理家坪乡", "en": "Lijiaping Township", "kind": "township",
     "children": [("LJP-SP", "松坪村", "Songping Village", "village"),
                  ("LJP-BS", "白石村", "Baishi Village", "village")]},
    {"code": "WXL", "zh": "五星岭乡", "en": "Wuxingling Township", "kind": "township",
     "children": [("WXL-XG", "星光村", "Xingguang Village", "village"),
                  ("WXL-LS", "岭上村", "Lingshang Village", "village")]},
    {"code": "DGP", "zh": "打鼓坪乡", "en": "Daguping Township", "kind": "township",
     "children": [("DGP-GP", "鼓坪村", "Guping Village", "village"),
                  ("DGP-YL", "云岭村", "Yunling Village", "village"),
                  ("DGP-SK", "水口村", "Shuikou Village", "village")]},
]

# One account per role: (username, role, display name).
USERS = [
    ("admin", "admin", "系统管理员（演示）"),
    ("planner", "planner", "县发改局规划股 李规划（演示）"),
    ("finance", "finance", "县财政局 王会计（演示）"),
    ("leader", "leader", "县领导 陈县长（演示）"),
    ("auditor", "auditor", "县审计局 赵审计（演示）"),
]
DEFAULT_PASSWORD = "Liandong-Demo-2026"
PASSWORD_ENV = "LIANDONG_DEMO_PASSWORD"

# Fund sources. `key` is how projects refer to a source; the code is "<prefix>-<fiscal year>", the
# fiscal year being the seed's year minus `years_back` (1 = last year's money carried over).
# Appropriations: (document number with {year} = fiscal year, month offset, 万元).
SOURCES = [
    {"key": "FIS", "prefix": "FIS", "years_back": 0, "channel": "fiscal", "level": "county",
     "name": "县级财政基础设施建设资金", "department": "县财政局",
     "appropriations": [("双财预〔{year}〕12号", -10, 4000), ("双财预〔{year}〕58号", -6, 1500)]},
    {"key": "PRF", "prefix": "PRF", "years_back": 0, "channel": "poverty_relief", "level": "central",
     "name": "中央财政衔接推进乡村振兴补助资金（扶贫移民）", "department": "县乡村振兴局",
     "appropriations": [("双财农〔{year}〕8号", -9, 500), ("双财农〔{year}〕41号", -3, 200)]},
    {"key": "WFR", "prefix": "WFR", "years_back": 0, "channel": "work_for_relief", "level": "central",
     "name": "以工代赈中央预算内投资", "department": "县发改局",
     "appropriations": [("双发改〔{year}〕15号", -10, 700), ("双发改〔{year}〕47号", -5, 300)]},
    {"key": "AGR", "prefix": "AGR", "years_back": 0, "channel": "agricultural_development",
     "level": "provincial", "name": "农业综合开发资金", "department": "县农业农村局",
     "appropriations": [("双财农〔{year}〕22号", -9, 450)]},
    {"key": "LND", "prefix": "LND", "years_back": 0, "channel": "land_consolidation", "level": "provincial",
     "name": "土地整理项目资金", "department": "县自然资源局",
     "appropriations": [("双财建〔{year}〕30号", -10, 750), ("双财建〔{year}〕52号", -7, 250)]},
    {"key": "TRN", "prefix": "TRN", "years_back": 0, "channel": "special_transport", "level": "city",
     "name": "交通建设三年大会战专项资金", "department": "县交通运输局",
     "appropriations": [("永交计〔{year}〕20号", -10, 1700), ("永交计〔{year}〕66号", -4, 600)]},
    {"key": "LOAN", "prefix": "LOAN", "years_back": 0, "channel": "loan", "level": "county",
     "name": "政策性银行基础设施贷款", "department": "县财政局",
     "appropriations": [("双政函〔{year}〕27号", -10, 2000)]},
    {"key": "SOC", "prefix": "SOC", "years_back": 0, "channel": "social_capital", "level": "other",
     "name": "社会资本投入（通信运营商）", "department": "县工业和信息化局",
     "appropriations": [("双工信〔{year}〕3号", -10, 1400), ("双工信〔{year}〕19号", -4, 200)]},
    {"key": "FIS-PY", "prefix": "FIS", "years_back": 1, "channel": "fiscal", "level": "county",
     "name": "县级财政基础设施建设资金（上年结转）", "department": "县财政局",
     "appropriations": [("双财预〔{year}〕9号", -22, 3500), ("双财预〔{year}〕61号", -18, 1200)]},
    {"key": "PRF-PY", "prefix": "PRF", "years_back": 1, "channel": "poverty_relief", "level": "central",
     "name": "中央财政衔接推进乡村振兴补助资金（上年结转）", "department": "县乡村振兴局",
     "appropriations": [("双财农〔{year}〕6号", -22, 600), ("双财农〔{year}〕38号", -16, 500)]},
    {"key": "TRN-PY", "prefix": "TRN", "years_back": 1, "channel": "special_transport", "level": "city",
     "name": "交通建设三年大会战专项资金（上年结转）", "department": "县交通运输局",
     "appropriations": [("永交计〔{year}〕11号", -22, 3600), ("永交计〔{year}〕59号", -16, 800)]},
]

# Fund rules as data: (kind, channel or None for every source, params, note).
FUND_RULES = [
    ("wage_share_floor", "work_for_relief", {"min_share_pct": 30},
     "以工代赈中央资金用于劳务报酬的比例不低于30%（国家发改委，2022年7月）"),
    ("wages_overdue", "work_for_relief", {"days": 30}, "务工人员工资按月足额发放，务工月份结束后30日内发放（示例）"),
    ("household_share_floor", "work_for_relief", {"min_share_pct": 50}, "优先吸纳脱贫人口务工，务工人员中脱贫户不低于50%（示例）"),
    ("management_fee_cap", "poverty_relief", {"max_share_pct": 1}, "项目管理费不超过中央专项扶贫资金的1%"),
    ("negative_list", "poverty_relief",
     {"forbidden_categories": [], "forbidden_keywords": ["楼堂馆所", "偿还债务", "还债", "奖金", "津贴", "车辆"]},
     "扶贫资金负面清单：不得建楼堂馆所、偿还债务、发放奖金津贴、购置车辆、支付部门经费"),
    ("idle_allocation", None,
     {"thresholds": [{"min_unspent_fen": 50000000, "months": 12}, {"min_unspent_fen": 5000000, "months": 24},
                     {"min_unspent_fen": 0, "months": 36}]},
     "已分配资金闲置预警：未支出余额50万元以上12个月、5万元至50万元24个月、5万元以下36个月无支出"),
    ("spending_after_completion", None, {}, "项目完工后不得继续列支"),
    ("eligible_categories", "work_for_relief",
     {"categories": ["road", "bridge", "water", "village_platform", "other"]}, "以工代赈资金支持的项目类别"),
    ("eligible_categories", "land_consolidation", {"categories": ["road", "water", "other"]},
     "土地整理资金支持的项目类别"),
    ("payment_approval", "work_for_relief", {"above_fen": 500_000, "fiscal_year": None},
     "以工代赈劳务报酬单笔5,000元以下由经办人直接发放，超过的须财务负责人审批（示例）"),
]

# Milestones by project category: (name, share of the budget in %); planned dates are evenly spaced.
MILESTONE_TEMPLATES = {
    "road": [("施工准备及测量放线", 5), ("路基工程", 30), ("路面工程", 45), ("附属及安保设施", 15), ("交工验收", 5)],
    "bridge": [("设计及施工准备", 10), ("基础及下部结构", 40), ("上部结构", 35), ("桥面系及附属工程", 10),
               ("交工验收", 5)],
    "telecom": [("勘察设计", 10), ("主干光缆敷设", 40), ("入户安装调测", 40), ("验收开通", 10)],
    "community_building": [("设计及招标", 5), ("基础工程", 20), ("主体结构", 40), ("装饰装修及设备", 30),
                           ("竣工验收", 5)],
    "village_platform": [("选址及设计", 5), ("主体建设", 50), ("五类设施配套", 40), ("验收并投入使用", 5)],
    "grid_management": [("需求调研及方案", 10), ("网格划分及平台部署", 40), ("视频联网及指挥中心对接", 40),
                        ("试运行及验收", 10)],
    "information_system": [("顶层设计及方案评审", 5), ("数据中心及云平台", 35), ("业务应用系统开发", 30),
                           ("高清视频联网", 20), ("与市级平台对接", 5), ("试运行及验收", 5)],
    "water": [("勘察设计", 10), ("水源及主体工程", 45), ("管网及渠系配套", 35), ("竣工验收", 10)],
    "other": [("规划设计", 10), ("主体施工", 60), ("配套工程", 25), ("竣工验收", 5)],
}

ROAD = "交通建设三年大会战项目。"
PLATFORM = ("村级综合服务平台，配套五类设施：便民服务（社保、惠农补贴发放、法律援助、矛盾调解服务大厅，"
            "便民商店、快递代办点、广播室、小额金融服务点、电信服务）、文体（文化广场、阅览室、健身室）、"
            "农业服务（培训推广室、“互联网+”农业信息）、医疗（卫生室、康复室）、党建（党组织办公室、"
            "档案室、党员活动中心、村民议事室）。严禁以平台名义兴建豪华办公楼。")
ROADS_CO, BUILD_CO = "永州某某路桥建设有限公司（示例）", "双牌某某建筑工程有限公司（示例）"
TEL_CO, IT_CO = "湖南某某通信工程有限公司（示例）", "湖南某某信息技术有限公司（示例）"
WATER_CO = "永州某某水利水电工程有限公司（示例）"

# Projects. budget and funds in 万元; months = (planned start, planned end) as month offsets from
# the seed date; funds = (source key, 万元, month offset of the allocation). Optional knobs:
# late = % reached by the last milestone due 60+ days ago (it and later ones stay unfinished);
# wage_pct = wage share of work-for-relief spending; paid_pct = spending as % of earned value;
# plan = False for a project whose milestones are not planned yet.
PROJECTS = [
    dict(no=1, name="泷泊镇至江村镇公路提质改造工程", category="road", area="JC", scale=("18.6", "km"),
         budget=5200, status="in_progress", months=(-20, 4), unit="县交通运输局", contractor=ROADS_CO,
         desc=ROAD + "县城至江村镇三级公路提质改造为二级公路。", late=60,
         funds=[("TRN-PY", 2000, -19), ("TRN", 1500, -9), ("FIS", 800, -8)]),
    dict(no=2, name="何家洞镇青山村至龙湾村通村公路硬化", category="road", area="HJD-QS", scale=("6.2", "km"),
         budget=620, status="in_progress", months=(-10, 2), unit="何家洞镇人民政府", contractor=ROADS_CO,
         desc="以工代赈项目，吸纳本村群众务工。", wage_pct=35, funds=[("WFR", 300, -9), ("FIS", 200, -9)]),
    dict(no=3, name="上梧江瑶族乡瑶山村通组公路", category="road", area="SWJ-YS", scale=("4.8", "km"),
         budget=430, status="in_progress", months=(-9, 3), unit="上梧江瑶族乡人民政府", contractor=ROADS_CO,
         desc="以工代赈项目；劳务报酬发放比例偏低，需整改。", wage_pct=18,
         funds=[("WFR", 250, -8), ("PRF", 150, -8)]),
    dict(no=4, name="茶林镇旅游公路", category="road", area="CL", scale=("12.4", "km"), budget=2600,
         status="completed", months=(-21, -4), unit="县交通运输局", contractor=ROADS_CO,
         desc=ROAD + "连接茶林镇主要景点。", funds=[("TRN-PY", 1500, -20), ("FIS-PY", 600, -17), ("LOAN", 400, -6)]),
    dict(no=5, name="五星岭乡岭上村通村公路", category="road", area="WXL-LS", scale=("3.5", "km"), budget=315,
         status="accepted", months=(-21, -11), unit="五星岭乡人民政府", contractor=ROADS_CO,
         desc="通村公路硬化，宽4.5米。", funds=[("PRF-PY", 200, -20), ("FIS-PY", 100, -20)]),
    dict(no=6, name="塘底乡杉林村至岩口村公路安保工程", category="road", area="TD", scale=("7.0", "km"),
         budget=180, status="in_progress", months=(-5, 3), unit="县交通运输局", contractor=ROADS_CO,
         desc=ROAD + "增设护栏、标志标线。", funds=[("TRN", 150, -5)]),
    dict(no=7, name="理家坪乡松坪村产业路", category="road", area="LJP-SP", scale=("2.8", "km"), budget=260,
         status="proposed", months=(4, 12), unit="理家坪乡人民政府", contractor="",
         desc="拟建产业路，方案待编制。", plan=False, funds=[]),
    dict(no=8, name="打鼓坪乡水口村公路改造", category="road", area="DGP-SK", scale=("5.6", "km"), budget=540,
         status="approved", months=(1, 10), unit="县交通运输局", contractor=ROADS_CO,
         desc=ROAD + "已批复，待开工。", funds=[("TRN", 200, -1)]),
    dict(no=9, name="麻江镇河塘村便民桥", category="bridge", area="MJ-HT", scale=("68", "m"), budget=380,
         status="approved", months=(2, 12), unit="麻江镇人民政府", contractor=ROADS_CO,
         desc="征地协调延误，开工时间推迟；上年已安排资金至今未支出。", funds=[("PRF-PY", 260, -15)]),
    dict(no=10, name="江村镇石溪村危桥改造", category="bridge", area="JC-SX", scale=("42", "m"), budget=290,
         status="completed", months=(-16, -5), unit="县交通运输局", contractor=ROADS_CO,
         desc=ROAD + "石拱危桥拆除重建。", funds=[("TRN-PY", 200, -15), ("FIS", 90, -7)]),
    dict(no=11, name="何家洞镇龙湾村人行便桥", category="bridge", area="HJD-LW", scale=("25", "m"), budget=95,
         status="suspended", months=(-14, 4), unit="何家洞镇人民政府", contractor=BUILD_CO,
         desc="汛期冲毁临时便道，设计变更中，暂停施工。", late=30, funds=[("FIS-PY", 60, -13)]),
    dict(no=12, name="全县行政村光纤宽带进村进户工程", category="telecom", area="LB", scale=("12600", "户"),
         budget=1850, status="in_progress", months=(-11, 5), unit="县工业和信息化局", contractor=TEL_CO,
         desc="电话和宽带进村进户，覆盖全县行政村。", funds=[("SOC", 1200, -10), ("FIS", 300, -9)]),
    dict(no=13, name="上梧江瑶族乡电话及宽带进村进户", category="telecom", area="SWJ", scale=("1480", "户"),
         budget=320, status="completed", months=(-13, -2), unit="县工业和信息化局", contractor=TEL_CO,
         desc="瑶族乡偏远村组通电话、通宽带。", funds=[("PRF-PY", 180, -12), ("SOC", 140, -8)]),
    dict(no=14, name="打鼓坪乡宽带进村进户", category="telecom", area="DGP", scale=("960", "户"),
         budget=210, status="in_progress", months=(-4, 4), unit="县工业和信息化局", contractor=TEL_CO,
         desc="宽带进村进户。", funds=[("SOC", 150, -3)]),
    dict(no=15, name="五里牌镇宽带进村进户（二期）", category="telecom", area="WLP", scale=("1320", "户"),
         budget=260, status="proposed", months=(3, 9), unit="县工业和信息化局", contractor="",
         desc="申报中，资金尚未落实。", funds=[]),
    dict(no=16, name="阳明社区综合服务用房", category="community_building", area="LB-YM", scale=("1200", "m²"),
         budget=680, status="accepted", months=(-22, -12), unit="泷泊镇人民政府", contractor=BUILD_CO,
         desc="社区综合服务用房1,200平方米。", funds=[("FIS-PY", 680, -21)]),
    dict(no=17, name="林峰社区综合服务用房", category="community_building", area="LB-LF", scale=("1100", "m²"),
         budget=640, status="in_progress", months=(-12, 2), unit="泷泊镇人民政府", contractor=BUILD_CO,
         desc="社区综合服务用房1,100平方米。", late=55, funds=[("FIS-PY", 150, -11), ("FIS", 400, -10)]),
    dict(no=18, name="江村镇大塘村综合服务平台", category="village_platform", area="JC-DT", scale=("650", "m²"),
         budget=180, status="completed", months=(-15, -3), unit="江村镇人民政府", contractor=BUILD_CO,
         desc=PLATFORM, funds=[("PRF-PY", 120, -14), ("FIS", 60, -6)]),
    dict(no=19, name="茶林镇竹林村综合服务平台", category="village_platform", area="CL-ZL", scale=("580", "m²"),
         budget=165, status="in_progress", months=(-6, 4), unit="茶林镇人民政府", contractor=BUILD_CO,
         desc=PLATFORM, wage_pct=40, funds=[("PRF", 100, -5), ("WFR", 50, -5)]),
    dict(no=20, name="塘底乡岩口村综合服务平台", category="village_platform", area="TD-YK", scale=("520", "m²"),
         budget=150, status="proposed", months=(2, 8), unit="塘底乡人民政府", contractor="",
         desc=PLATFORM, funds=[]),
    dict(no=21, name="理家坪乡白石村综合服务平台", category="village_platform", area="LJP-BS", scale=("600", "m²"),
         budget=170, status="approved", months=(1, 9), unit="理家坪乡人民政府", contractor=BUILD_CO,
         desc=PLATFORM, funds=[("PRF", 100, -1)]),
    dict(no=22, name="五星岭乡星光村综合服务平台", category="village_platform", area="WXL-XG", scale=("540", "m²"),
         budget=155, status="cancelled", months=(-3, 6), unit="五星岭乡人民政府", contractor="",
         desc=PLATFORM + "因村级建制调整，并入岭上村平台，项目取消。", funds=[]),
    dict(no=23, name="“智慧双牌”信息化平台", category="information_system", area="LB", scale=None,
         budget=6080, status="in_progress", months=(-23, 6), unit="县委政法委", contractor=IT_CO,
         desc="总投资6,080万元（超过6,000万元）；建设数据中心、业务应用和高清视频联网，与市级平台对接。",
         paid_pct=108, funds=[("FIS-PY", 1500, -21), ("FIS", 1800, -10), ("LOAN", 1500, -9)]),
    dict(no=24, name="“智慧双牌”网格化服务管理平台", category="grid_management", area="LB", scale=("312", "个网格"),
         budget=860, status="accepted", months=(-20, -8), unit="县委政法委", contractor=IT_CO,
         desc="已建成，与市级平台、县公安指挥中心联网，实现高清视频联网。", funds=[("FIS-PY", 860, -19)]),
    dict(no=25, name="社会治理综合信息系统", category="information_system", area="LB", scale=None, budget=420,
         status="in_progress", months=(-7, 5), unit="县委政法委", contractor=IT_CO,
         desc="社会治理信息系统，汇聚网格事件与群众诉求。", funds=[("FIS", 300, -6)]),
    dict(no=26, name="泷泊镇网格化高清视频监控联网", category="grid_management", area="LB", scale=("186", "路"),
         budget=350, status="in_progress", months=(-8, 2), unit="县公安局", contractor=IT_CO,
         desc="城区网格高清视频点位建设并接入县公安指挥中心。", late=50, funds=[("FIS", 250, -7)]),
    dict(no=27, name="五里牌镇红山村安全饮水巩固提升工程", category="water", area="WLP-HS", scale=("860", "户"),
         budget=240, status="completed", months=(-14, -3), unit="县水利局", contractor=WATER_CO,
         desc="新建蓄水池、铺设入户管网。", funds=[("PRF-PY", 150, -13), ("AGR", 90, -7)]),
    dict(no=28, name="茶林镇茶溪村山塘整治及灌溉渠道", category="water", area="CL-CX", scale=("5.2", "km"),
         budget=310, status="in_progress", months=(-7, 3), unit="县水利局", contractor=WATER_CO,
         desc="山塘清淤加固，灌溉渠道防渗。", funds=[("AGR", 180, -6), ("LND", 100, -6)]),
    dict(no=29, name="麻江镇沙坝村高标准农田灌排渠系", category="water", area="MJ-SB", scale=("8.5", "km"),
         budget=460, status="in_progress", months=(-9, 2), unit="县自然资源局", contractor=WATER_CO,
         desc="灌排渠系配套。", late=65, funds=[("LND", 300, -8), ("AGR", 120, -8)]),
    dict(no=30, name="打鼓坪乡云岭村人饮工程", category="water", area="DGP-YL", scale=("420", "户"),
         budget=120, status="suspended", months=(-10, -1), unit="打鼓坪乡人民政府", contractor=WATER_CO,
         desc="以工代赈项目；水源地调整，暂停施工。", late=40, wage_pct=32, funds=[("WFR", 80, -9)]),
    dict(no=31, name="理家坪乡土地整理项目", category="other", area="LJP", scale=("1850", "亩"), budget=680,
         status="in_progress", months=(-10, 3), unit="县自然资源局", contractor=BUILD_CO,
         desc="土地平整、田间道路和沟渠配套。", funds=[("LND", 400, -9)]),
    dict(no=32, name="江村镇新坪村公路路灯及安防设施", category="other", area="JC-XP", scale=("6.0", "km"),
         budget=85, status="completed", months=(-8, -2), unit="江村镇人民政府", contractor=BUILD_CO,
         desc="沿线太阳能路灯和安防设施。", funds=[("FIS", 85, -7)]),
    dict(no=33, name="上梧江瑶族乡大坪村产业路", category="road", area="SWJ-DP", scale=("3.2", "km"), budget=300,
         status="proposed", months=(5, 14), unit="上梧江瑶族乡人民政府", contractor="",
         desc="拟建，方案待编制。", plan=False, funds=[]),
    dict(no=34, name="泷泊镇双河村河堤护岸", category="water", area="LB-SH", scale=("1.2", "km"), budget=380,
         status="in_progress", months=(-5, 5), unit="县水利局", contractor=WATER_CO,
         desc="以工代赈项目，河堤加固与护岸。", wage_pct=33, funds=[("WFR", 200, -4), ("FIS", 100, -4)]),
    # Wages through monthly payrolls of a roster of 40 (demo/payrolls.py), not a share of each payment.
    dict(no=35, name="何家洞镇龙湾村以工代赈产业路", category="road", area="HJD-LW", scale=("2.6", "km"), budget=200,
         status="in_progress", months=(-7, 5), unit="何家洞镇人民政府", contractor=ROADS_CO,
         desc="以工代赈项目，吸纳本村群众务工，工资按月通过工资表发放至本人银行卡。", paid_pct=30,
         payrolls=True, funds=[("WFR", 100, -7)]),
]

# One payment recorded twice by mistake and then reversed, so reversals show in the ledger.
REVERSAL = {"project": 12, "source": "FIS", "sequence": 2, "yuan": 125_000, "days_ago": 41,
            "reversed_after_days": 6,
            "reason": "与第2期进度款重复支付，经银行对账发现后冲销（演示数据）"}
