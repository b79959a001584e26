"""Every rule the engine knows, with the seed's own words.

The seed is the course text "如何坚持党小组会制度" (shared/seed/). Each
``RuleInfo.seed`` is copied exactly from it, ASCII commas and all (the
course text uses them), so a finding can show a user the very line it
enforces; a test checks that each one occurs verbatim in the seed file.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleInfo:
    id: str  # "G1", "M5" … as in SPEC §2
    title_zh: str
    title_en: str
    seed: str  # the seed's own words, verbatim


_RULES: tuple[RuleInfo, ...] = (
    # Group composition (划分党小组的五条基本原则)
    RuleInfo(
        "G1",
        "党小组不少于三名党员",
        "A group has at least three party members",
        "每个党小组一般不得少于三名党员",
    ),
    RuleInfo(
        "G2",
        "党小组至少有一名正式党员",
        "A group has at least one full member",
        "每个党小组至少有三名党员,其中至少有位正式党员",
    ),
    RuleInfo(
        "G3",
        "领导干部不单独成组、不集中编组",
        "Cadres in leadership posts neither form a group alone nor crowd into one",
        "担任领导工作的党员干部不宜单独划分成一个小组或集中安排在一个党小组内",
    ),
    RuleInfo(
        "G4",
        "按所在部门及相邻部门划分党小组",
        "Groups follow members' departments and adjacent departments",
        "将其所在的行政、生产、科室、班组及相邻部门的党员划分在一个党小组内",
    ),
    RuleInfo(
        "G5",
        "支委会决定建立党小组并及时向上级报告",
        "The branch committee sets up the group and reports it upward promptly",
        "党小组的划分和建立,由支委会决定,不必经过上级党组织审批,"
        "但支委会应将建立党小组的情况及时向上级报告",
    ),
    RuleInfo(
        "B1",
        "没有党小组的党支部每月召开党员大会",
        "A branch without groups holds a party member congress every month",
        "没有党小组的党支部,应当每月召开一次党员大会,以体现组织生活的经常性",
    ),
    # Group leader (党小组长的产生)
    RuleInfo(
        "L1",
        "党小组长必须是正式党员",
        "The group leader is a full member",
        "必须是中共正式党员",
    ),
    RuleInfo(
        "L2",
        "党小组长由党员选举产生",
        "The group leader is elected by the group's members",
        "选举一般采取无记名投票的方式,亦可采用举手表决的方式,"
        "最后坚持少数服从多数的原则,由得票最多者当选",
    ),
    RuleInfo(
        "L3",
        "支委未受委托只代表个人意见",
        "Committee members speak for the committee only when delegated",
        "支部书记和支委会委员如果没有受支委会的委托,他们在党小组会上的发言只能代表个人意见",
    ),
    # Meeting cadence and preparation (党小组会概况、会前准备工作)
    RuleInfo(
        "M1",
        "党小组会一般每月召开一次",
        "A group meets about once a month",
        "一般每月召开一次,如有特殊任务,次数可增加,也可推迟召开会议时间",
    ),
    RuleInfo(
        "M2",
        "每次解决一两个问题",
        "Each meeting settles one or two matters",
        "每次解决一两个问题",
    ),
    RuleInfo(
        "M3",
        "会前与党支部沟通",
        "Consult the branch before the meeting",
        "党小组要在会前与党支部进行沟通",
    ),
    RuleInfo(
        "M4",
        "选好会议时间",
        "Choose a time members can make",
        "既要考虑党员能够集中,也要考虑单位生产、业务的实际情况",
    ),
    RuleInfo(
        "M5",
        "提前一至三天发出通知",
        "Notify members one to three days ahead",
        "党小组要把会议的时间、地点、议题、要求提前一至三天通知本组党员",
    ),
    RuleInfo(
        "M6",
        "全体党员参加,党小组长主持",
        "All members attend; the leader chairs",
        "会议由小组全体党员参加,由党小组长主持",
    ),
    # Minutes (会议记录)
    RuleInfo(
        "R1",
        "指定专人做好会议记录",
        "A named recorder keeps the minutes",
        "要指定专人做好会议记录",
    ),
    RuleInfo(
        "R2",
        "会议记录内容完整",
        "The minutes are complete",
        "记录内容包括时间、地点、参加人员、缺席人员、会议内容和讨论意见等",
    ),
    RuleInfo(
        "R3",
        "会议记录存档备查",
        "Minutes are kept and archived",
        "会议记录要认真保管,存档备查",
    ),
    # After the meeting (会后应做事项)
    RuleInfo(
        "A1",
        "检查会议记录",
        "The leader checks the minutes",
        "党小组长要检查会议记录情况",
    ),
    RuleInfo(
        "A2",
        "及时向党支部汇报",
        "Report the meeting to the branch promptly",
        "党小组长应将党小组会议情况及时向党支部汇报",
    ),
    RuleInfo(
        "A3",
        "抓好会后组织落实",
        "Follow up on implementation",
        "党小组长要抓好会后的组织落实工作",
    ),
    # The year (国企全年党小组会议内容)
    RuleInfo(
        "Y1",
        "1月份制定全年计划",
        "The January meeting sets the year's plan",
        "通报上一年党小组工作情况(包括落实党支部和党员大会决议情况)和全年度本支部工作计划,"
        "听取党员意见,制定本年度党小组落实党支部工作计划,并进行明确分工,"
        "同时研究讨论并决定全年每月党小组会议内容",
    ),
    RuleInfo(
        "Y2",
        "12月份召开党小组生活会",
        "December is the group's organisational life meeting",
        "12月份,召开党小组生活会,开展一次批评和自我批评,"
        "议题为《党员应当勇于履行监督义务、行使监督权利》,要求会前征求好意见",
    ),
)

RULES: dict[str, RuleInfo] = {rule.id: rule for rule in _RULES}
"""Every rule id of SPEC §2, in the spec's order."""
