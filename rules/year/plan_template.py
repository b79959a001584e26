"""The seed's case plan: a state-owned enterprise's year of group meetings.

Slides 12–13 of the seed (案例。根据党小组的任务和会议内容制定国企全年党小组
会议内容如下) give one topic per month. xiaozu ships them as a template that a
group's January meeting (Y1) can adopt and adapt. ``text`` is the seed's own
words for the month, verbatim (without the leading "N月份,"); the short titles
are ours, for lists and menus.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.models import AnnualPlan, PlannedMonth


@dataclass(frozen=True)
class TemplateMonth:
    month: int  # 1–12
    title_zh: str
    title_en: str
    text: str  # the seed's words for the month, verbatim


SOE_TEMPLATE: tuple[TemplateMonth, ...] = (
    TemplateMonth(
        1,
        "通报上年工作,制定全年计划",
        "Review of last year; this year's plan and division of work",
        "通报上一年党小组工作情况(包括落实党支部和党员大会决议情况)和全年度本支部工作计划,"
        "听取党员意见,制定本年度党小组落实党支部工作计划,并进行明确分工,"
        "同时研究讨论并决定全年每月党小组会议内容",
    ),
    TemplateMonth(
        2,
        "坚定理想信念,谈“缺钙”表现",
        'Ideals and convictions: each member on "缺钙" and remedies',
        "学习《习近平谈治国理政》中有关党员要坚定理想信念的论述,"
        "每名党员要结合自己思想和工作实际,谈自己是否有“缺钙”表现,如何整改",
    ),
    TemplateMonth(
        3,
        "积极分子培养,入党和转正报告",
        "Activists and probationary members; admission and conversion reports",
        "研究入党积极分子培养、教育工作,预备党员的教育、考察工作,"
        "讨论发展对象的入党报告和预备党员的转正报告,提出意见,供党支部参考",
    ),
    TemplateMonth(
        4,
        "汇报一季度思想、工作和学习",
        "Each member reports on the first quarter's thought, work and study",
        "每名党员汇报一季度思想、工作和学习情况,找出不足,制定措施",
    ),
    TemplateMonth(
        5,
        "邀请群众参加,宣传政策,反映呼声",
        "The masses invited: explain policy, answer doubts, pass their voices up",
        "邀请群众参加会议,组织党员向小组群众宣传党的路线、方针、政策以及上级党组织和党支部的决议,"
        "询问并解答群众思想上的疑虑,会后及时向党支部反映群众的呼声和要求",
    ),
    TemplateMonth(
        6,
        "汇报1至5月份先锋模范作用",
        "Members report on their vanguard role, January to May",
        "小组党员汇报1至5月份,在生产经营中的先锋模范作用发挥情况,找出不足,制定措施",
    ),
    TemplateMonth(
        7,
        "作风建设;讨论违纪党员问题",
        "Work style; disciplinary matters of members",
        "分析本小组党员作风建设情况,查找出不足,制定出改进措施;讨论违纪党员的问题,提出处理意见",
    ),
    TemplateMonth(
        8,
        "履行党员义务和行使权利",
        "Members' duties and rights",
        "每名党员汇报本小组党员履行党员义务和行使权利情况,找出问题,制定解决办法",
    ),
    TemplateMonth(
        9,
        "群众工作;对支部工作的意见",
        "Mass work; opinions on the branch's work",
        "党员汇报自己做群众工作的情况,分析小组群众思想状况,找出问题,制定解决办法;"
        "了解党员对党支部工作意见和建议,会后向党支部委员会汇报",
    ),
    TemplateMonth(
        10,
        "党费收缴政策和党费检查",
        "Party dues policy and dues check",
        "学习党费收缴政策,检查小组党员党费上缴情况",
    ),
    TemplateMonth(
        11,
        "学习《党内监督条例》",
        "Study of the intra-party supervision regulations",
        "学习《中国共产党党内监督条例》,党员表态,自己在履行监督责任方面的问题,"
        "制定如何履行党员监督责任措施",
    ),
    TemplateMonth(
        12,
        "党小组生活会:履行监督义务、行使监督权利",
        "Group life meeting on supervision duties and rights",
        "召开党小组生活会,开展一次批评和自我批评,"
        "议题为《党员应当勇于履行监督义务、行使监督权利》,"
        "要求会前征求好意见,会上敢于批评,会下搞好落实",
    ),
)


def template_month(month: int) -> TemplateMonth:
    """The template's entry for ``month`` (1–12)."""
    for entry in SOE_TEMPLATE:
        if entry.month == month:
            return entry
    raise ValueError(f"no such month: {month}")


def plan_from_template(group_id: str, year: int) -> AnnualPlan:
    """A year's plan for ``group_id`` taken from the template.

    Each month's topic is the seed's full text for it (the meeting's agenda
    comes from it); the short title stays available via ``template_month``.
    The plan is not yet decided by a meeting (``decided_at_meeting_id`` is
    None): the January meeting adopts it (Y1).
    """
    return AnnualPlan(
        group_id=group_id,
        year=year,
        months=tuple(PlannedMonth(month=m.month, topic=m.text) for m in SOE_TEMPLATE),
    )
