"""Setting up, changing and dissolving groups, and people's status and
discipline: each change checked (G1–G5, L1), kept as history, with move
suggestions that follow departments (G4)."""

from __future__ import annotations

from datetime import date

import pytest

from rules.checks.engine import check
from rules.models import (
    BranchRecords,
    Discipline,
    GroupChange,
    GroupChangeKind,
    MemberStatus,
    Organisation,
    PersonChange,
    PersonField,
)
from rules.organisation.changes import ChangeRefused, Recorded
from rules.organisation.groups import (
    can_lead,
    change_leader,
    create_group,
    dissolve_group,
    leader_refusals,
    move_member,
    next_group_id,
    rename_group,
    set_group_dates,
    suggest_moves,
)
from rules.organisation.people import change_discipline, change_status
from rules.samples.demo import demo_branch
from tests.rules.conftest import NOW, group, organisation, person

TODAY = NOW.date()


def rec(reason: str = "", on: date = TODAY, by: str | None = "p01") -> Recorded:
    return Recorded(on=on, at=NOW, by=by, reason=reason)


@pytest.fixture
def demo() -> Organisation:
    return demo_branch(NOW).records.organisation


def rules_found(org: Organisation, rule: str) -> list[str]:
    found = check(BranchRecords(organisation=org), NOW)
    return [f.subject.id for f in found if f.rule == rule]


# -- L1 -----------------------------------------------------------------------


def test_who_cannot_lead_and_why(demo: Organisation) -> None:
    lin = demo.person("p15")  # 林晓, probationary
    liu = demo.person("p06")  # 刘洋, 留党察看
    song = demo.person("p21")  # 宋佳, development target
    assert lin and liu and song
    assert leader_refusals(lin)[0].zh == "林晓:预备党员,不能担任党小组长。"
    assert "probationary" in leader_refusals(lin)[0].en
    assert "受留党察看处分,不能担任党小组长" in leader_refusals(liu)[0].zh
    assert "不是党员" in leader_refusals(song)[0].zh
    chen = demo.person("p05")
    assert chen is not None and can_lead(chen, "g1")
    assert "不是本组党员" in leader_refusals(chen, "g2")[0].zh


def test_a_probationary_member_is_refused_as_leader(demo: Organisation) -> None:
    with pytest.raises(ChangeRefused) as refused:
        change_leader(demo, "g1", "p07", rec())  # 赵磊, probationary, in g1
    assert "赵磊:预备党员,不能担任党小组长" in refused.value.message("zh")
    assert "probationary" in refused.value.message("en")


def test_changing_the_leader_clears_l1_and_is_kept(demo: Organisation) -> None:
    assert "g3" in rules_found(demo, "L1")
    done = change_leader(demo, "g3", "p16", rec("小组选举"))  # 徐文博, full member
    group3 = done.org.group("g3")
    assert group3 is not None and group3.leader_id == "p16"
    assert "g3" not in rules_found(done.org, "L1")
    (change,) = done.history
    assert isinstance(change, GroupChange)
    assert (change.kind, change.old, change.new) == (GroupChangeKind.LEADER_CHANGED, "p15", "p16")
    assert change.reason == "小组选举" and change.by == "p01" and change.recorded_at == NOW


# -- groups ---------------------------------------------------------------------


def test_creating_a_group_records_the_committee_s_decision(demo: Organisation) -> None:
    done = create_group(
        demo, "第五党小组", date(2026, 11, 20), None, "p09", rec(), group_id=next_group_id(demo)
    )
    new = done.org.group("g5")
    assert new is not None and new.name == "第五党小组" and new.leader_id == "p09"
    assert new.decided_on == date(2026, 11, 20) and new.reported_up_on is None
    moved = done.org.person("p09")
    assert moved is not None and moved.group_id == "g5"
    kinds = [c.kind for c in done.history if isinstance(c, GroupChange)]
    assert kinds == [
        GroupChangeKind.CREATED,
        GroupChangeKind.MEMBER_MOVED,
        GroupChangeKind.LEADER_CHANGED,
    ]
    assert all(c.on == date(2026, 11, 20) for c in done.history)
    # One member: G1 says so, about the new group.
    assert "g5" in rules_found(done.org, "G1")


def test_a_new_group_s_dates_and_name_are_checked(demo: Organisation) -> None:
    with pytest.raises(ChangeRefused, match="before the committee"):
        create_group(demo, "第五党小组", date(2026, 11, 20), date(2026, 11, 1), None, rec())
    with pytest.raises(ChangeRefused, match="after today"):
        create_group(demo, "第五党小组", date(2026, 12, 20), None, None, rec())
    with pytest.raises(ChangeRefused, match="already a group named"):
        create_group(demo, "第一党小组", date(2026, 11, 20), None, None, rec())
    with pytest.raises(ChangeRefused, match="probationary"):
        create_group(demo, "第五党小组", date(2026, 11, 20), None, "p15", rec())


def test_rename_and_report_upward(demo: Organisation) -> None:
    renamed = rename_group(demo, "g4", "机关党小组", rec())
    assert renamed.org.group("g4") is not None
    assert renamed.org.group("g4").name == "机关党小组"  # type: ignore[union-attr]
    assert renamed.history[0].old == "第四党小组"  # type: ignore[union-attr]
    made = create_group(demo, "第五党小组", date(2026, 9, 1), None, None, rec())
    assert "g5" in rules_found(made.org, "G5")  # not reported upward after 30 days
    reported = set_group_dates(made.org, "g5", date(2026, 9, 1), date(2026, 11, 25), rec())
    assert "g5" not in rules_found(reported.org, "G5")


def test_moving_a_member_and_its_consequences(demo: Organisation) -> None:
    done = move_member(demo, "p20", "g3", rec("调到技术科"))  # 郭倩 out of g4
    person = done.org.person("p20")
    assert person is not None and person.group_id == "g3"
    (change,) = done.history
    assert isinstance(change, GroupChange)
    assert (change.old, change.new, change.person_id) == ("g4", "g3", "p20")
    assert any("只剩1名党员" in n.zh for n in done.notes)
    # A leader who moves leaves the group without one.
    led = move_member(demo, "p19", "g3", rec())
    group4 = led.org.group("g4")
    assert group4 is not None and group4.leader_id is None
    assert any("现在没有组长" in n.zh for n in led.notes)
    with pytest.raises(ChangeRefused, match="not a party member"):
        move_member(demo, "p22", "g3", rec())
    with pytest.raises(ChangeRefused, match="already in"):
        move_member(demo, "p16", "g3", rec())


def test_a_group_is_dissolved_only_once_its_members_are_moved(demo: Organisation) -> None:
    with pytest.raises(ChangeRefused) as refused:
        dissolve_group(demo, "g4", rec())
    assert "朱红" in refused.value.message("zh") and "郭倩" in refused.value.message("zh")
    org = move_member(demo, "p19", "g1", rec()).org
    org = move_member(org, "p20", "g1", rec()).org
    done = dissolve_group(org, "g4", rec("并入第一党小组"))
    group4 = done.org.group("g4")
    assert group4 is not None and group4.dissolved_on == TODAY and not group4.active
    assert done.history[0].kind is GroupChangeKind.DISSOLVED  # type: ignore[union-attr]
    with pytest.raises(ChangeRefused, match="dissolved"):
        rename_group(done.org, "g4", "x", rec())
    # The next group never reuses a dissolved group's id.
    assert next_group_id(done.org) == "g5"


def test_dissolving_the_last_group_says_b1() -> None:
    org = organisation([group("g1", "一组", None)], [person("p1", "甲", group_id=None)])
    done = dissolve_group(org, "g1", rec())
    assert any("B1" in n.en for n in done.notes)


# -- people ---------------------------------------------------------------------


def test_a_status_change_needs_a_reason_and_is_kept(demo: Organisation) -> None:
    with pytest.raises(ChangeRefused, match="reason"):
        change_status(demo, "p15", MemberStatus.FULL, rec(""))
    done = change_status(
        demo, "p15", MemberStatus.FULL, rec("支部大会讨论通过按期转正", on=date(2026, 11, 20))
    )
    (change,) = done.history
    assert change == PersonChange(
        person_id="p15",
        field=PersonField.STATUS,
        old="probationary",
        new="full",
        on=date(2026, 11, 20),
        reason="支部大会讨论通过按期转正",
        recorded_at=NOW,
        by="p01",
    )
    # Now a full member, 林晓 may lead 第三党小组: L1 is met.
    assert "g3" not in rules_found(done.org, "L1")


def test_leaving_the_party_leaves_the_group(demo: Organisation) -> None:
    done = change_status(demo, "p19", MemberStatus.MASSES, rec("出党"))
    person = done.org.person("p19")
    group4 = done.org.group("g4")
    assert person is not None and person.group_id is None
    assert group4 is not None and group4.leader_id is None
    kinds = [getattr(c, "kind", None) for c in done.history]
    assert GroupChangeKind.MEMBER_MOVED in kinds and GroupChangeKind.LEADER_CHANGED in kinds


def test_discipline_on_a_leader_is_said(demo: Organisation) -> None:
    done = change_discipline(demo, "p04", Discipline.PROBATION, rec("处分决定"))
    person = done.org.person("p04")
    assert person is not None and person.discipline is Discipline.PROBATION
    assert any("另选组长" in n.zh for n in done.notes)
    assert "g1" in rules_found(done.org, "L1")
    with pytest.raises(ChangeRefused, match="already"):
        change_discipline(done.org, "p04", Discipline.PROBATION, rec("x"))


def test_a_change_cannot_be_dated_in_the_future(demo: Organisation) -> None:
    with pytest.raises(ChangeRefused, match="after today"):
        change_status(demo, "p15", MemberStatus.FULL, rec("转正", on=date(2026, 12, 1)))


# -- G4 suggestions -------------------------------------------------------------


def test_no_moves_for_a_branch_that_follows_departments(demo: Organisation) -> None:
    assert suggest_moves(demo) == ()


def test_a_member_apart_from_their_department_is_asked_to_join_it(demo: Organisation) -> None:
    org = move_member(demo, "p09", "g2", rec()).org  # 周涛 (生产一车间) into g2
    assert rules_found(org, "G4")
    (suggestion,) = suggest_moves(org)
    assert (suggestion.person_id, suggestion.from_group_id, suggestion.to_group_id) == (
        "p09",
        "g2",
        "g1",
    )
    assert "生产一车间" in suggestion.why.zh
    followed = move_member(org, "p09", "g1", rec()).org
    assert not rules_found(followed, "G4")


def test_members_of_a_group_to_dissolve_go_to_their_department_or_the_smallest() -> None:
    org = organisation(
        [group("g1", "一组", "a"), group("g2", "二组", "d"), group("g3", "三组", "g")],
        [
            person("a", "甲", department="车间", group_id="g1"),
            person("b", "乙", department="车间", group_id="g1"),
            person("c", "丙", department="车间", group_id="g1"),
            person("d", "丁", department="科室", group_id="g2"),
            person("e", "戊", department="科室", group_id="g2"),
            person("g", "庚", department="车间", group_id="g3"),
            person("h", "辛", department="财务", group_id="g3"),
            person("u", "无组", department="科室", group_id=None),
        ],
    )
    moves = {s.person_id: s.to_group_id for s in suggest_moves(org, leaving="g3")}
    assert moves == {"g": "g1", "h": "g2", "u": "g2"}
    # Not leaving: only the member with no group, and 庚 (车间, mostly in g1) —
    # except that 庚 leads 三组, so stays.
    assert {s.person_id for s in suggest_moves(org)} == {"u"}


def test_a_tie_suggests_nothing() -> None:
    org = organisation(
        [group("g1", "一组", "a"), group("g2", "二组", "c")],
        [
            person("a", "甲", department="车间", group_id="g1"),
            person("b", "乙", department="车间", group_id="g1"),
            person("c", "丙", department="科室", group_id="g2"),
            person("d", "丁", department="车间", group_id="g2"),
            person("e", "戊", department="车间", group_id="g2"),
        ],
    )
    assert suggest_moves(org) == ()
