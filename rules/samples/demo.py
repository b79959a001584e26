"""A realistic demo branch: a year of group meetings ending at ``now``.

``demo_branch(now)`` builds the records of an enterprise Party branch with
four groups, a year of monthly meetings that follow the seed's plan for a
state-owned enterprise month by month (January decides the year's plan, May
invites the masses, December is the group life meeting), follow-up tasks and
the annual plans, plus demo PINs for the people who may unlock the kiosk.

It is deterministic for a given ``now`` and ``seed`` (``random.Random(seed)``
makes every choice) and reads no clock: every datetime is built from ``now``
and carries its time zone.

Some rules are broken on purpose, so that ``xiaozu check`` has something to
show; each place says which rule, and :data:`DELIBERATE_BREAKS` lists them:

- G1  第四党小组 has only two party members;
- L1  the leader of 第三党小组 is a probationary member;
- M1  第二党小组 held no August meeting and recorded no postponement;
- M5  第一党小组's April notice went out five days ahead;
- M2  第三党小组's September meeting has three topics;
- A3  a task of 第三党小组 is open past its due date;
- A2  第二党小组's second-latest meeting was checked but never reported.

And, within the rules: 第一党小组 put its July meeting off with the reason
recorded (M1 is satisfied) and took the July topic up in August; the next
meeting of every group is planned and in preparation, not yet held.

Held months: the twelve months ending with the current month when its
meetings (held between the 3rd and the 8th) are over, that is from the 11th
on; before the 11th, the twelve months before the current one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo

from rules.dues.book import DuesBook
from rules.meeting.seal import seal_history
from rules.models import (
    AnnualPlan,
    Attendance,
    AttendanceStatus,
    Branch,
    BranchRecords,
    BranchRole,
    Capacity,
    Discipline,
    FollowUpTask,
    Group,
    Guest,
    Meeting,
    MeetingKind,
    MemberStatus,
    Opinion,
    Organisation,
    Person,
    PlannedMonth,
    Postponement,
    ProgressNote,
    RecordedBy,
    Step,
    TaskStatus,
)
from rules.samples.demo_dues import demo_dues


@dataclass(frozen=True)
class DemoData:
    records: BranchRecords
    # person_id -> a 6-digit demo PIN: every group leader, the branch
    # secretary and the organisation member.
    pins: dict[str, str] = field(default_factory=dict)
    # person_id -> a 6-digit demo sign-in PIN for the phone page, for every
    # party member.
    signin_pins: dict[str, str] = field(default_factory=dict)
    # Party dues: rates and payments (rules.samples.demo_dues), saved apart
    # from the records (storage: dues/YYYY.json).
    dues: DuesBook = field(default_factory=DuesBook)


# rule id -> what the demo does to break it.
DELIBERATE_BREAKS: dict[str, str] = {
    "G1": "第四党小组 (g4) has only two party members",
    "L1": "the leader of 第三党小组 (g3), 林晓, is a probationary member",
    "M1": "第二党小组 (g2) held no meeting in August and recorded no postponement",
    "M5": "第一党小组 (g1) sent its April notice five days ahead",
    "M2": "第三党小组 (g3) put three topics on its September agenda",
    "A3": "a follow-up task of 第三党小组 (g3) is open past its due date",
    "A2": "第二党小组 (g2)'s second-latest meeting was checked but not reported",
}

# --------------------------------------------------------------------------
# The organisation

BRANCH = Branch("b1", "江南重工集团生产运营部第一党支部")

_F = MemberStatus.FULL
_P = MemberStatus.PROBATIONARY
_DT = MemberStatus.DEVELOPMENT_TARGET
_AC = MemberStatus.ACTIVIST
_MA = MemberStatus.MASSES


@dataclass(frozen=True)
class _GroupSpec:
    id: str
    name: str
    leader_id: str
    recorder_id: str
    place: str
    hour: int
    minute: int
    departments: tuple[str, ...]
    decided_years_ago: int
    decided_month: int
    decided_day: int


def _group(
    gid: str,
    name: str,
    leader_id: str,
    recorder_id: str,
    place: str,
    at: tuple[int, int],
    departments: tuple[str, ...],
    decided: tuple[int, int, int],
) -> _GroupSpec:
    """``at``: the usual hour and minute; ``decided``: years ago, month, day."""
    return _GroupSpec(gid, name, leader_id, recorder_id, place, *at, departments, *decided)


# Workshop groups meet after the day shift; offices in the afternoon (M4).
_GROUPS: tuple[_GroupSpec, ...] = (
    _group(
        "g1",
        "第一党小组",
        "p04",
        "p08",
        "生产一车间二楼会议室",
        (16, 30),
        ("生产一车间",),
        (4, 3, 12),
    ),
    _group(
        "g2",
        "第二党小组",
        "p10",
        "p14",
        "生产二车间班前会议室",
        (15, 0),
        ("生产二车间",),
        (4, 3, 12),
    ),
    # L1 (deliberate): 林晓 (p15), a probationary member, leads 第三党小组.
    _group("g3", "第三党小组", "p15", "p16", "技术科小会议室", (14, 30), ("技术科",), (3, 6, 20)),
    # G1 (deliberate): 第四党小组 has only two party members (p19, p20).
    _group(
        "g4",
        "第四党小组",
        "p19",
        "p20",
        "行政楼三楼党员活动室",
        (14, 30),
        ("综合办公室", "财务科"),
        (2, 9, 5),
    ),
)

# id, name, status, department, group, discipline, leadership post, branch role
_PeopleRow = tuple[str, str, MemberStatus, str, str | None, Discipline, bool, BranchRole]
_NO = Discipline.NONE
_NR = BranchRole.NONE
_PEOPLE: tuple[_PeopleRow, ...] = (
    # 第一党小组 — 生产一车间
    ("p01", "王建国", _F, "生产一车间", "g1", _NO, True, BranchRole.SECRETARY),  # 车间主任、书记
    ("p04", "李志强", _F, "生产一车间", "g1", _NO, False, _NR),  # 装配班班长, group leader
    ("p05", "陈秀英", _F, "生产一车间", "g1", _NO, False, _NR),
    ("p06", "刘洋", _F, "生产一车间", "g1", Discipline.PROBATION, False, _NR),  # 留党察看
    ("p07", "赵磊", _P, "生产一车间", "g1", _NO, False, _NR),
    ("p08", "孙丽", _F, "生产一车间", "g1", _NO, False, _NR),
    ("p09", "周涛", _F, "生产一车间", "g1", _NO, False, _NR),
    # 第二党小组 — 生产二车间
    ("p10", "张海涛", _F, "生产二车间", "g2", _NO, False, _NR),  # group leader
    ("p03", "杨帆", _F, "生产二车间", "g2", _NO, False, BranchRole.COMMITTEE),  # 宣传委员
    ("p11", "吴刚", _F, "生产二车间", "g2", _NO, True, _NR),  # 车间主任
    ("p12", "郑红梅", _F, "生产二车间", "g2", Discipline.WARNING, False, _NR),  # 警告
    ("p13", "黄晓东", _P, "生产二车间", "g2", _NO, False, _NR),
    ("p14", "何静", _F, "生产二车间", "g2", _NO, False, _NR),
    # 第三党小组 — 技术科
    ("p15", "林晓", _P, "技术科", "g3", _NO, False, _NR),  # group leader (L1 break)
    ("p02", "马丽娟", _F, "技术科", "g3", _NO, True, BranchRole.ORGANISATION),  # 科长
    ("p16", "徐文博", _F, "技术科", "g3", _NO, False, _NR),
    ("p17", "高峰", _F, "技术科", "g3", _NO, False, _NR),
    ("p18", "罗敏", _F, "技术科", "g3", _NO, False, _NR),
    # 第四党小组 — 综合办公室、财务科
    ("p19", "朱红", _F, "综合办公室", "g4", _NO, True, _NR),  # 办公室主任, group leader
    ("p20", "郭倩", _F, "财务科", "g4", _NO, False, _NR),
    # Not party members: in no group, invited as guests.
    ("p21", "宋佳", _DT, "生产一车间", None, _NO, False, _NR),
    ("p22", "韩雪", _AC, "技术科", None, _NO, False, _NR),
    ("p23", "唐亮", _AC, "生产二车间", None, _NO, False, _NR),
    ("p24", "冯建华", _MA, "生产一车间", None, _NO, False, _NR),
    ("p25", "曹玉兰", _MA, "生产二车间", None, _NO, False, _NR),
    ("p26", "彭飞", _MA, "技术科", None, _NO, False, _NR),
    ("p27", "董丽", _MA, "综合办公室", None, _NO, False, _NR),
    ("p28", "袁斌", _DT, "生产二车间", None, _NO, False, _NR),
    ("p29", "姜伟", _MA, "生产一车间", None, _NO, False, _NR),
)

# L3: the committee member (杨帆, of 第二党小组) the committee delegates to
# 第一党小组's March meeting, where she speaks for the committee.
_DELEGATE_ID = "p03"


# --------------------------------------------------------------------------
# What the meetings are about: the seed's plan for a state-owned enterprise


@dataclass(frozen=True)
class _Topic:
    text: str
    opinions: tuple[str, ...]
    summary: str
    decision: str
    task: str


# The twelve monthly topics of the annual plan (国企全年党小组会议内容).
PLAN_TOPICS: dict[int, str] = {
    1: "通报上一年工作情况,制定本年度计划并分工,决定全年每月会议内容",
    2: "学习坚定理想信念的论述,对照查找“缺钙”表现并整改",
    3: "研究积极分子培养和预备党员考察,讨论入党和转正报告",
    4: "党员汇报一季度思想、工作和学习情况",
    5: "邀请群众参加,宣传政策,解答疑虑,反映群众呼声",
    6: "党员汇报1至5月在生产经营中发挥先锋模范作用情况",
    7: "分析党员作风建设情况,讨论违纪党员问题",
    8: "党员汇报履行党员义务和行使党员权利情况",
    9: "党员汇报群众工作情况,征求对党支部工作的意见",
    10: "学习党费收缴政策,检查党费交纳情况",
    11: "学习《中国共产党党内监督条例》,制定履行监督责任措施",
    12: "党小组生活会:党员应当勇于履行监督义务、行使监督权利",
}

_JAN_REVIEW = _Topic(
    "通报上一年党小组工作情况(含落实党支部和党员大会决议情况)",
    (
        "去年小组按月开会,但会后跟踪不够,有两项任务拖到年底才完成。",
        "支部布置的安全生产专项检查我们组完成得比较好,建议总结经验推广。",
        "学习形式比较单一,以读文件为主,今年要多结合生产实际讨论。",
        "党员联系群众有记录但不够细,今年要落实到每名党员。",
        "党费收缴都能按时完成,这一条要继续保持。",
    ),
    "大家认为上一年小组工作总体完成了支部部署,不足是会后跟踪不够、学习形式单一。",
    "上一年党小组工作情况经讨论通过,报党支部。",
    "整理上一年党小组工作总结,报党支部",
)
_JAN_PLAN = _Topic(
    "制定本年度党小组工作计划并明确分工,决定全年每月党小组会议内容",
    (
        "同意支部年度计划,建议把技术攻关和党员先锋岗结合起来。",
        "全年会议内容按支部模板安排,五月份邀请群众要提前和班组商量时间。",
        "建议每季度集中学习一次,避开生产高峰期。",
        "分工要落实到人,联系群众的任务按班组划分。",
        "十二月生活会征求意见要提前一周开始。",
    ),
    "小组通过了本年度工作计划和全年每月会议内容,分工落实到人。",
    "通过本年度党小组工作计划和全年每月会议安排。",
    "按分工建立党员联系群众台账",
)
_FEB = _Topic(
    "学习《习近平谈治国理政》中坚定理想信念的论述,对照查找“缺钙”表现及整改措施",
    (
        "对照检查,自己忙于生产,理论学习抓得不紧,有“缺钙”苗头,今年每月至少读一篇原文。",
        "遇到困难有时有畏难情绪,说明理想信念还不够坚定,要向身边的老党员学习。",
        "学习不能只停留在会上,建议用“学习强国”打卡互相督促。",
        "对群众的意见有时解释不够耐心,这也是宗旨意识不强的表现。",
        "整改措施要具体,建议每人写出一至两条,下次会上对照检查。",
    ),
    "每名党员结合思想和工作实际查找了“缺钙”表现,提出了具体整改措施。",
    "每名党员书面提交一至两条整改措施,由党小组长汇总。",
    "汇总小组党员“缺钙”整改措施,报组织委员",
)
_MAR_ACTIVISTS = _Topic(
    "研究入党积极分子培养教育和预备党员教育考察工作",
    (
        "我联系的积极分子在技改项目中表现突出,建议继续结对培养。",
        "预备党员工作积极,但参加理论学习次数偏少,考察中要加强这方面要求。",
        "培养联系人每季度要和积极分子谈一次心,并做好记录。",
        "建议让积极分子列席一次党小组会,增强组织观念。",
    ),
    "小组逐一分析了积极分子和预备党员的表现,明确了培养联系人和考察重点。",
    "培养联系人每季度与积极分子谈心一次并做好记录。",
    "与联系的入党积极分子谈心并形成记录",
)
_MAR_REPORTS = _Topic(
    "讨论发展对象入党报告和预备党员转正报告,提出意见供党支部参考",
    (
        "发展对象的入党申请书和思想汇报齐全,群众评价好,同意提交支部。",
        "预备党员考察期内表现合格,同意按期转正,支部大会前再征求一次群众意见。",
        "转正材料里思想汇报时间间隔不均匀,建议补充说明。",
        "同意上报,希望转正后在班组里继续发挥带头作用。",
    ),
    "小组同意将发展对象入党报告和预备党员转正报告报党支部,并提出补充材料的意见。",
    "小组意见:同意上报,材料补充完整后报党支部。",
    "补齐转正材料中思想汇报的说明",
)
_APR = _Topic(
    "党员汇报一季度思想、工作和学习情况,找出不足,制定措施",
    (
        "一季度完成了两项工艺改进,学习上有时落下,下季度补上。",
        "一季度班组零事故,但夜班期间思想上有松懈,要加强自我约束。",
        "参加了集团组织的业务培训,准备在组内做一次分享。",
        "手头工作多,对新入职员工关心不够,下季度每周和他们交流一次。",
        "学习了新修订的安全规程,建议组内统一考一次。",
    ),
    "每名党员汇报了一季度情况,主要不足是学习时间不够、对新员工关心不够。",
    "各人针对不足制定二季度改进措施。",
    "组织一次安全规程学习测试",
)
_MAY = _Topic(
    "邀请群众参加,宣传党的路线方针政策和党支部决议,解答群众思想上的疑虑",
    (
        "向大家通报了集团今年的改革任务和支部决议,重点讲了绩效考核调整。",
        "群众关心夜班补贴标准,我们会后向支部反映。",
        "大家对食堂和通勤班车的意见比较集中,建议支部协调后勤部门。",
        "政策解读要用大家听得懂的话,下次结合实例讲。",
    ),
    "向群众宣传了政策和支部决议,收集了绩效考核、夜班补贴和通勤等方面的意见。",
    "群众反映的问题会后整理报党支部。",
    "整理群众意见建议,报党支部",
)
_MASSES_VOICES = (
    "希望绩效考核调整前能多听听一线职工的意见。",
    "夜班补贴什么时候调整?大家都很关心。",
    "通勤班车晚班次太少,下夜班不方便。",
    "希望多组织一些技能培训,年轻人想多学点东西。",
)
_JUN = _Topic(
    "党员汇报1至5月份在生产经营中发挥先锋模范作用情况,找出不足,制定措施",
    (
        "参加了二号线设备抢修,连续两天盯在现场,保证了交货期。",
        "牵头的降本项目节约材料费用约八万元,但推广还不够。",
        "党员先锋岗挂牌后大家干劲足了,个别岗位还只是挂了牌子。",
        "技术攻关小组解决了焊接合格率低的问题,下一步要形成标准作业。",
        "带了两名徒弟,都已能独立上岗。",
    ),
    "党员在抢修、降本、技术攻关中发挥了带头作用,不足是个别先锋岗作用不明显。",
    "下半年对党员先锋岗开展一次对照评比。",
    "制定党员先锋岗评比办法初稿",
)
_JUL = _Topic(
    "分析本小组党员作风建设情况,讨论违纪党员问题,提出处理意见",
    (
        "小组总体作风是好的,但开会迟到、请假不及时的情况还有。",
        "对受处分的同志要既严格要求又关心帮助,建议确定一名党员结对帮教。",
        "个别同志对群众反映的问题有推诿现象,要在组内提个醒。",
        "建议把作风要求写进班组管理细则,和日常考核挂钩。",
    ),
    "小组分析了作风建设中迟到、推诿等问题,对受处分党员提出了帮教意见。",
    "确定帮教联系人,帮教情况每季度向党支部汇报一次。",
    "落实对受处分党员的帮教谈话",
)
_AUG = _Topic(
    "党员汇报履行党员义务和行使党员权利情况,找出问题,制定解决办法",
    (
        "能按时参加组织生活、交纳党费,但在发表意见方面比较被动。",
        "对支部工作提过两条建议,都得到了回复,党员权利落到了实处。",
        "在监督方面做得不够,看到不规范的操作没有当面指出。",
        "建议组内多开展讨论式学习,让每名党员都有发言的机会。",
    ),
    "党员普遍能履行基本义务,行使监督权、表决权还不够主动。",
    "每次党小组会安排自由发言环节。",
    "收集党员对党支部工作的书面建议",
)
_SEP = _Topic(
    "党员汇报做群众工作情况,分析群众思想状况,征求对党支部工作的意见和建议",
    (
        "联系的三名职工思想稳定,有一名对岗位调整有情绪,已谈心两次。",
        "群众对职称评审的透明度有意见,建议支部向人力资源部反映。",
        "对支部的建议:组织活动尽量放在班后,不占用休息日。",
        "班组新员工多,思想比较活跃,建议支部开一次座谈会。",
    ),
    "党员联系群众工作总体扎实,群众关注岗位调整和职称评审,收集了对支部的建议。",
    "对党支部工作的意见建议会后报支部委员会。",
    "向支委会汇报小组对党支部工作的意见建议",
)
# M2 (deliberate): 第三党小组 splits September's topic into three.
_SEP_SPLIT = (
    _Topic(
        "党员汇报做群众工作的情况",
        (
            "联系的两名技术员思想稳定,关心的主要是职称评审。",
            "帮一名新入职的技术员解决了住宿问题,他很受触动。",
            "群众工作做得不够经常,主要是项目忙的时候顾不上。",
            "建议每名党员固定联系两到三名群众,每月至少谈一次。",
        ),
        "党员汇报了联系群众的情况,总体扎实,但不够经常。",
        "每名党员固定联系两到三名群众。",
        "更新党员联系群众台账",
    ),
    _Topic(
        "分析小组群众思想状况,找出问题,制定解决办法",
        (
            "年轻技术员对发展通道有疑虑,要多做解释和引导。",
            "职称评审结果公示时间太短,群众有意见。",
            "加班多的项目组情绪有些波动,要关注。",
            "建议科室定期开短会,及时回应大家关心的问题。",
        ),
        "群众思想总体稳定,关注点在发展通道、职称评审和加班。",
        "职称评审的意见由党小组长向科室领导反映。",
        "向科室领导反映职称评审公示时间的意见",
    ),
    _Topic(
        "了解党员对党支部工作的意见和建议",
        (
            "支部组织的学习内容很好,形式可以更活一些。",
            "建议支部活动多和技术攻关结合。",
            "希望支部多到科室听听一线党员的想法。",
            "支部的通知有时太晚,希望提前安排。",
        ),
        "党员对党支部工作提出了四条意见建议。",
        "意见建议会后报支部委员会。",
        "整理对党支部工作的意见建议报支委会",
    ),
)
_OCT = _Topic(
    "学习党费收缴政策,检查小组党员党费交纳情况",
    (
        "对照规定核算了自己的交纳基数,工资调整后按新基数交纳。",
        "小组党费都按月交纳,没有拖欠,建议继续线上交纳并留存凭证。",
        "有一名同志的基数没有随工资调整,已当场核对更正。",
        "按时交纳党费是党员的基本义务,每年都要对照检查一次。",
    ),
    "学习了党费收缴规定,逐人核对交纳基数和交纳情况,一处基数未及时调整已更正。",
    "党费交纳情况核对表报组织委员。",
    "将党费交纳核对表报组织委员",
)
_NOV = _Topic(
    "学习《中国共产党党内监督条例》,党员表态,制定履行监督责任措施",
    (
        "过去认为监督是领导的事,学习后认识到每名党员都有监督的义务。",
        "对身边同志的问题碍于情面不好意思说,这是今后要改的。",
        "表态:发现违反规定的苗头及时提醒,必要时向支部反映。",
        "建议在班组建立党员互相提醒制度。",
    ),
    "通过学习,党员提高了对党内监督的认识,每人作了表态并提出了具体措施。",
    "建立小组党员互相提醒制度。",
    "起草小组党员互相提醒制度",
)
_DEC = _Topic(
    "党小组生活会:党员应当勇于履行监督义务、行使监督权利",
    (
        "自我批评:对工作中的不规范现象有时睁一只眼闭一只眼,没有履行好监督义务。",
        "批评意见:希望组长布置任务时多听听大家的意见,少一些临时安排。",
        "自我批评:理论学习挤不出时间,学用结合不够。",
        "批评意见:个别同志会后落实拖拉,年初定的任务到年底才完成。",
        "接受大家的批评,明年在督促落实上下功夫。",
    ),
    "生活会开展了批评和自我批评,会前征求的意见在会上逐一作了回应,整改措施会后落实。",
    "每名党员根据批评意见制定整改清单,一月份会上通报整改情况。",
    "汇总生活会整改清单,报党支部",
)

_MONTH_TOPICS: dict[int, tuple[_Topic, ...]] = {
    1: (_JAN_REVIEW, _JAN_PLAN),
    2: (_FEB,),
    3: (_MAR_ACTIVISTS, _MAR_REPORTS),
    4: (_APR,),
    5: (_MAY,),
    6: (_JUN,),
    7: (_JUL,),
    8: (_AUG,),
    9: (_SEP,),
    10: (_OCT,),
    11: (_NOV,),
    12: (_DEC,),
}

_COMMITTEE_WORDS = (
    "受支委会委托,传达今年支部发展党员工作安排:发展对象六月底前完成政治审查,"
    "请小组配合做好群众意见征求。"
)
_METHOD = "党小组长通报情况,党员逐一发言讨论,最后归纳小结"
_REQUIREMENTS = "请提前准备发言提纲,按时参加;不能参加的提前向党小组长请假"
_LIFE_METHOD = "会前征求意见,会上开展批评和自我批评,会后制定整改清单"
_LIFE_REQUIREMENTS = "每人准备对照检查材料,开诚布公,敢于批评,会下搞好落实"
_LEAVE_REASONS = (
    "出差(赴供应商现场验收设备)",
    "病假",
    "倒班值守,不能离岗",
    "参加集团组织的业务培训",
    "家中有事,事先请假",
)
_ABSENT_REASONS = (
    "未请假:夜班后在家休息,未看到通知,会后已说明",
    "未请假:临时处理设备故障,会后已向组长说明",
)
_POSTPONE_REASON = (
    "车间承接紧急订单,全组党员参加加班抢产,经与党支部沟通,本月党小组会推迟到下月,与下月议题合并召开"
)


# --------------------------------------------------------------------------
# Building


def _add_months(year: int, month: int, k: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + k
    return index // 12, index % 12 + 1


class _Builder:
    def __init__(self, now: datetime, seed: int) -> None:
        tz = now.tzinfo
        if tz is None or now.utcoffset() is None:
            raise ValueError("now must be timezone-aware")
        self.now = now
        self.tz: tzinfo = tz
        self.today = now.date()
        self.rng = random.Random(seed)
        self.meetings: list[Meeting] = []
        self.tasks: list[FollowUpTask] = []
        self.took_up: dict[tuple[str, int, int], str] = {}  # (group, year, month) -> meeting
        self.org = self._organisation()

    # -- time

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)

    # -- people

    def _organisation(self) -> Organisation:
        year = self.today.year
        groups = tuple(
            Group(
                id=g.id,
                name=g.name,
                leader_id=g.leader_id,
                decided_on=date(year - g.decided_years_ago, g.decided_month, g.decided_day),
                reported_up_on=date(year - g.decided_years_ago, g.decided_month, g.decided_day)
                + timedelta(days=6),
            )
            for g in _GROUPS
        )
        people = tuple(
            Person(
                id=pid,
                name=name,
                status=status,
                member_no=f"DY{3300100 + number:07d}" if status.is_party_member else None,
                department=department,
                discipline=discipline,
                leadership_post=leadership,
                branch_role=role,
                group_id=group_id,
                phone=f"138{5710000 + number:08d}" if status.is_party_member else None,
            )
            for number, (pid, name, status, department, group_id, discipline, leadership, role) in (
                (int(row[0][1:]), row) for row in _PEOPLE
            )
        )
        return Organisation(branch=BRANCH, groups=groups, people=people)

    def pins(self) -> dict[str, str]:
        """Unlock PINs for the group leaders and the branch committee."""
        holders = [g.leader_id for g in self.org.groups if g.leader_id is not None]
        holders += [
            p.id
            for p in self.org.people
            if p.branch_role in (BranchRole.SECRETARY, BranchRole.ORGANISATION)
        ]
        codes = self.rng.sample(range(100000, 1000000), len(holders))
        return {pid: f"{code:06d}" for pid, code in zip(holders, codes, strict=True)}

    # -- the calendar

    def held_months(self) -> list[tuple[int, int]]:
        last = (self.today.year, self.today.month)
        if self.today.day < 11:
            last = _add_months(*last, -1)
        return [_add_months(*last, -k) for k in range(11, -1, -1)]

    def meeting_day(self, year: int, month: int) -> date:
        weekdays = [d for d in range(3, 9) if date(year, month, d).weekday() < 5]
        return date(year, month, self.rng.choice(weekdays))

    # -- meetings

    def notice(self, planned: datetime, days_ahead: int) -> datetime:
        """A notice ``days_ahead`` calendar days before the meeting, which is
        also between one and three days ahead by the clock."""
        if days_ahead >= 3:
            return planned - timedelta(days=days_ahead) + timedelta(hours=2)
        return planned - timedelta(days=days_ahead, hours=3)

    def attendance(
        self, spec: _GroupSpec, planned: datetime, started: datetime
    ) -> tuple[Attendance, ...]:
        records: list[Attendance] = []
        for person in self.org.members_of(spec.id):
            roll = self.rng.random()
            if person.id in (spec.leader_id, spec.recorder_id) or roll < 0.78:
                records.append(
                    Attendance(
                        person.id,
                        AttendanceStatus.PRESENT,
                        recorded_by=self.rng.choice(
                            (RecordedBy.PHONE, RecordedBy.PHONE, RecordedBy.PHONE, RecordedBy.BADGE)
                        ),
                        recorded_at=planned - timedelta(minutes=self.rng.randint(1, 12)),
                    )
                )
            elif roll < 0.86:
                records.append(
                    Attendance(
                        person.id,
                        AttendanceStatus.LATE,
                        recorded_by=RecordedBy.PHONE,
                        recorded_at=started + timedelta(minutes=self.rng.randint(5, 20)),
                    )
                )
            elif roll < 0.96:
                records.append(
                    Attendance(
                        person.id,
                        AttendanceStatus.ON_LEAVE,
                        reason=self.rng.choice(_LEAVE_REASONS),
                        recorded_by=RecordedBy.LEADER,
                        recorded_at=planned - timedelta(hours=20),
                    )
                )
            else:
                records.append(
                    Attendance(
                        person.id,
                        AttendanceStatus.ABSENT,
                        reason=self.rng.choice(_ABSENT_REASONS),
                        recorded_by=RecordedBy.LEADER,
                        recorded_at=started,
                    )
                )
        return tuple(records)

    def held_meeting(
        self,
        spec: _GroupSpec,
        day: date,
        months: tuple[int, ...],
        *,
        notice_days: int | None = None,
    ) -> Meeting:
        """A meeting held on ``day``, its minutes finalised, checked and
        reported, taking up the plan's topics of ``months``."""
        month = months[-1]
        topics = tuple(t for m in months for t in _MONTH_TOPICS[m])
        if spec.id == "g3" and months == (9,):
            topics = _SEP_SPLIT  # M2 (deliberate): three topics
        life = month == 12
        meeting_id = f"m-{spec.id}-{day.year}-{day.month:02d}"
        planned = self.at(day, spec.hour, spec.minute)
        if notice_days is None:
            notice_days = self.rng.randint(1, 3)
        consulted = self.at(day - timedelta(days=self.rng.randint(4, 6)), 10, 0)
        started = planned + timedelta(minutes=self.rng.randint(0, 5))
        attendance = self.attendance(spec, planned, started)

        guests: tuple[Guest, ...] = ()
        if month == 5:
            # The May meeting invites the masses of the group's departments.
            guests = tuple(
                Guest(p.id)
                for p in self.org.people
                if p.status is MemberStatus.MASSES and p.department in spec.departments
            )
        if spec.id == "g1" and month == 3:
            # L3: a committee member sits in, delegated by the committee.
            guests = (Guest(_DELEGATE_ID, delegated_by_committee=True),)
        attendance += tuple(
            Attendance(
                g.person_id,
                AttendanceStatus.PRESENT,
                recorded_by=RecordedBy.LEADER,
                recorded_at=planned - timedelta(minutes=5),
            )
            for g in guests
        )

        attended = [a.person_id for a in attendance if a.status.attended]
        members_attended = [pid for pid in attended if pid not in {g.person_id for g in guests}]
        opinions: list[Opinion] = []
        # Discussion starts after the absentee report, when latecomers are in.
        clock = started + timedelta(minutes=22)
        for index, topic in enumerate(topics):
            if spec.id == "g1" and month == 3 and index == 0:
                opinions.append(
                    Opinion(_DELEGATE_ID, index, _COMMITTEE_WORDS, Capacity.COMMITTEE, clock)
                )
                clock += timedelta(minutes=5)
            count = min(len(members_attended), self.rng.randint(2, 4), len(topic.opinions))
            speakers = self.rng.sample(members_attended, count)
            texts = self.rng.sample(topic.opinions, count)
            for speaker, text in zip(speakers, texts, strict=True):
                opinions.append(Opinion(speaker, index, text, Capacity.PERSONAL, clock))
                clock += timedelta(minutes=self.rng.randint(4, 8))
            if month == 5 and index == 0:
                voices = self.rng.sample(_MASSES_VOICES, len(guests))
                for guest, text in zip(guests, voices, strict=True):
                    opinions.append(Opinion(guest.person_id, index, text, Capacity.PERSONAL, clock))
                    clock += timedelta(minutes=4)

        ended = max(clock, started + timedelta(minutes=60)) + timedelta(
            minutes=self.rng.randint(10, 25)
        )
        finalised = ended + timedelta(minutes=self.rng.randint(20, 40))
        checked = self.at(day + timedelta(days=1), 9, self.rng.randint(0, 50))
        reported_at = self.at(day + timedelta(days=self.rng.randint(1, 2)), 15, 0)

        meeting = Meeting(
            id=meeting_id,
            group_id=spec.id,
            planned_at=planned,
            place=spec.place,
            kind=MeetingKind.LIFE if life else MeetingKind.REGULAR,
            topics=tuple(t.text for t in topics),
            method=_LIFE_METHOD if life else _METHOD,
            requirements=_LIFE_REQUIREMENTS if life else _REQUIREMENTS,
            recorder_id=spec.recorder_id,
            chair_id=spec.leader_id,
            guests=guests,
            consulted_branch_at=consulted,
            notice_sent_at=self.notice(planned, notice_days),
            reviews_last_year=month == 1,
            decides_annual_plan=month == 1,
            opinions_gathered_on=day - timedelta(days=self.rng.randint(5, 8)) if life else None,
            step=Step.REPORTED,
            started_at=started,
            ended_at=ended,
            attendance=attendance,
            current_topic=len(topics) - 1,
            opinions=tuple(opinions),
            summary="".join(t.summary for t in topics),
            decisions=tuple(t.decision for t in topics),
            finalised_at=finalised,
            checked_at=checked,
            reported_at=reported_at,
        )
        self.meetings.append(meeting)
        for m in months:
            # A postponed month's topic is taken up in the following month.
            year = day.year if m <= month else day.year - 1
            self.took_up[(spec.id, year, m)] = meeting_id
        self.follow_up(spec, meeting, day, topics, members_attended)
        return meeting

    def follow_up(
        self,
        spec: _GroupSpec,
        meeting: Meeting,
        day: date,
        topics: tuple[_Topic, ...],
        members_attended: list[str],
    ) -> None:
        for index, topic in enumerate(topics):
            task_id = f"t-{meeting.id}-{index + 1}"
            assignee = self.rng.choice(members_attended)
            if spec.id == "g1" and day.month == 3 and index == 0:
                # L3: the leader gives the branch secretary a task like anyone else.
                assignee = "p01"
            due = day + timedelta(days=self.rng.randint(10, 25))
            done_by_now = self.at(day + timedelta(days=2), 16, 0) < self.now
            if due < self.today or (done_by_now and self.rng.random() < 0.4):
                worked = max(2, min((due - day).days, (self.today - day).days - 1))
                done_on = day + timedelta(days=self.rng.randint(2, worked))
                self.tasks.append(
                    FollowUpTask(
                        id=task_id,
                        meeting_id=meeting.id,
                        assignee_id=assignee,
                        what=topic.task,
                        due=due,
                        status=TaskStatus.DONE,
                        notes=(ProgressNote(self.at(done_on, 16, 0), "已完成,材料已存档。"),),
                        done_at=self.at(done_on, 16, 0),
                    )
                )
                continue
            noted = self.at(day + timedelta(days=3), 17, 0)
            notes = (ProgressNote(noted, "已布置,正在推进。"),) if noted < self.now else ()
            self.tasks.append(
                FollowUpTask(
                    id=task_id,
                    meeting_id=meeting.id,
                    assignee_id=assignee,
                    what=topic.task,
                    due=due,
                    notes=notes,
                )
            )

    def overdue_task(self, meeting: Meeting) -> None:
        """A3 (deliberate): the meeting's first task is still open past its due
        date."""
        day = meeting.held_on
        for index, task in enumerate(self.tasks):
            if task.meeting_id != meeting.id:
                continue
            due = day + timedelta(days=20)
            assert due < self.today
            note = ProgressNote(
                self.at(day + timedelta(days=6), 17, 0), "已联系相关部门,材料尚未收齐。"
            )
            self.tasks[index] = replace(
                task, due=due, status=TaskStatus.OPEN, notes=(note,), done_at=None
            )
            return

    def postponed_meeting(self, spec: _GroupSpec, day: date, new_date: date) -> Meeting:
        """Put off with the reason recorded: allowed (M1)."""
        planned = self.at(day, spec.hour, spec.minute)
        meeting = Meeting(
            id=f"m-{spec.id}-{day.year}-{day.month:02d}",
            group_id=spec.id,
            planned_at=planned,
            place=spec.place,
            topics=tuple(t.text for t in _MONTH_TOPICS[day.month]),
            method=_METHOD,
            requirements=_REQUIREMENTS,
            recorder_id=spec.recorder_id,
            chair_id=spec.leader_id,
            consulted_branch_at=self.at(day - timedelta(days=5), 10, 0),
            notice_sent_at=self.notice(planned, 2),
            postponement=Postponement(
                reason=_POSTPONE_REASON,
                decided_at=self.at(day - timedelta(days=1), 10, 30),
                new_date=new_date,
            ),
        )
        self.meetings.append(meeting)
        return meeting

    def next_meeting(self, spec: _GroupSpec, day: date, months: tuple[int, ...]) -> Meeting:
        """The next meeting, planned and in preparation."""
        month = months[-1]
        planned = self.at(day, spec.hour, spec.minute)
        ahead = planned - self.now
        notice = self.now - timedelta(hours=1) if ahead <= timedelta(days=3, hours=-1) else None
        guests: tuple[Guest, ...] = ()
        if month == 5:
            guests = tuple(
                Guest(p.id)
                for p in self.org.people
                if p.status is MemberStatus.MASSES and p.department in spec.departments
            )
        gathered = day - timedelta(days=6)
        life = month == 12
        meeting = Meeting(
            id=f"m-{spec.id}-{day.year}-{day.month:02d}",
            group_id=spec.id,
            planned_at=planned,
            place=spec.place,
            kind=MeetingKind.LIFE if life else MeetingKind.REGULAR,
            topics=tuple(t.text for m in months for t in _MONTH_TOPICS[m]),
            method=_LIFE_METHOD if life else _METHOD,
            requirements=_LIFE_REQUIREMENTS if life else _REQUIREMENTS,
            recorder_id=spec.recorder_id,
            chair_id=spec.leader_id,
            guests=guests,
            consulted_branch_at=self.now - timedelta(days=1),
            notice_sent_at=notice,
            reviews_last_year=month == 1,
            decides_annual_plan=month == 1,
            opinions_gathered_on=gathered if life and gathered <= self.today else None,
        )
        self.meetings.append(meeting)
        return meeting

    # -- the year

    def build(self) -> BranchRecords:
        held = self.held_months()
        upcoming = _add_months(*held[-1], 1)
        for spec in _GROUPS:
            days = {ym: self.meeting_day(*ym) for ym in held}
            next_day = max(self.meeting_day(*upcoming), (self.now + timedelta(days=2)).date())
            carried: tuple[int, ...] = ()
            own: list[Meeting] = []
            for year, month in held:
                day = days[(year, month)]
                if spec.id == "g2" and month == 8:
                    continue  # M1 (deliberate): no August meeting, no postponement recorded
                if spec.id == "g1" and month == 7:
                    # Postponed with the reason recorded (allowed, M1); the
                    # July topic is taken up at the next meeting.
                    following = _add_months(year, month, 1)
                    new_date = days.get(following, next_day)
                    self.postponed_meeting(spec, day, new_date)
                    carried = (7,)
                    continue
                notice_days: int | None = None
                if spec.id == "g1" and month == 4:
                    notice_days = 5  # M5 (deliberate): the notice went out five days ahead
                own.append(self.held_meeting(spec, day, (*carried, month), notice_days=notice_days))
                carried = ()
            self.next_meeting(spec, next_day, (*carried, upcoming[1]))
            if spec.id == "g2":
                # A2 (deliberate): the second-latest meeting was checked but
                # never reported to the branch.
                target = own[-2]
                index = self.meetings.index(target)
                self.meetings[index] = replace(target, step=Step.CHECKED, reported_at=None)
            if spec.id == "g3":
                # A3 (deliberate): a task from three meetings back is overdue.
                self.overdue_task(own[-3])

        return BranchRecords(
            organisation=self.org,
            # Finalised minutes are sealed as they were finalised (R3).
            meetings=seal_history(sorted(self.meetings, key=lambda m: (m.planned_at, m.id))),
            tasks=tuple(self.tasks),
            plans=self.plans(held, upcoming),
            records_since=date(*held[0], 1),
        )

    def plans(
        self, held: list[tuple[int, int]], upcoming: tuple[int, int]
    ) -> tuple[AnnualPlan, ...]:
        years = sorted({year for year, _ in held} | {upcoming[0]})
        plans: list[AnnualPlan] = []
        for spec in _GROUPS:
            for year in years:
                january = self.took_up.get((spec.id, year, 1))
                plans.append(
                    AnnualPlan(
                        group_id=spec.id,
                        year=year,
                        months=tuple(
                            PlannedMonth(m, PLAN_TOPICS[m], self.took_up.get((spec.id, year, m)))
                            for m in range(1, 13)
                        ),
                        decided_at_meeting_id=january,
                    )
                )
        return tuple(plans)


def demo_branch(now: datetime, seed: int = 7) -> DemoData:
    """The demo branch's records as of ``now`` (timezone-aware), and demo PINs."""
    builder = _Builder(now, seed)
    pins = builder.pins()
    records = builder.build()
    # A generator of its own, so the records above do not change with it.
    members = [p.id for p in records.organisation.people if p.is_party_member]
    codes = random.Random(seed + 1).sample(range(100000, 1000000), len(members))
    signin_pins = {pid: f"{code:06d}" for pid, code in zip(members, codes, strict=True)}
    dues = demo_dues(records, now, seed)
    return DemoData(records=records, pins=pins, signin_pins=signin_pins, dues=dues)
