"""Electing a group leader (L1, L2): who may stand and why not, who votes,
majority, ties and new rounds, show of hands, the secret ballot box, and the
election in the meeting's minutes."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest

from rules.meeting import election as el
from rules.meeting.flow import FlowError
from rules.meeting.minutes import minutes_of
from rules.models import (
    Attendance,
    AttendanceStatus,
    Discipline,
    ElectionRound,
    Meeting,
    MemberStatus,
    Step,
    VoteCount,
    VotingMethod,
)
from tests.rules.conftest import NOW, at, group, organisation, person
from tests.seed_text import SEED

ORG = organisation(
    [group("g1", "第一党小组", "a"), group("g2", "第二党小组", "x")],
    [
        person("a", "甲"),
        person("b", "乙"),
        person("c", "丙"),
        person("d", "丁"),
        person("p", "预备", MemberStatus.PROBATIONARY),
        person("k", "察看", discipline=Discipline.PROBATION),
        person("w", "警告", discipline=Discipline.WARNING),
        person("x", "外组", group_id="g2"),
        person("m", "群众", MemberStatus.MASSES, group_id=None),
        person("late", "迟到者"),
        person("away", "请假者"),
    ],
)
PRESENT = ("a", "b", "c", "d", "p", "k", "w")


def meeting(step: Step = Step.DISCUSSION) -> Meeting:
    attendance = [Attendance(pid, AttendanceStatus.PRESENT) for pid in PRESENT]
    attendance += [
        Attendance("late", AttendanceStatus.LATE),
        Attendance("away", AttendanceStatus.ON_LEAVE, "出差"),
    ]
    return Meeting(
        id="m1",
        group_id="g1",
        planned_at=at(2026, 11, 26),
        place="会议室",
        topics=("选举党小组长",),
        recorder_id="b",
        step=step,
        started_at=at(2026, 11, 26),
        attendance=tuple(attendance),
    )


def opened(*candidates: str, method: VotingMethod = VotingMethod.SECRET_BALLOT) -> Meeting:
    return el.open_election(meeting(), ORG, "e1", method, candidates, NOW)


def counted(m: Meeting, votes: dict[str, int], blank: int = 0, invalid: int = 0) -> Meeting:
    held = el.election(m, "e1")
    candidates = el.round_candidates(held)
    voters = tuple(sorted(p.id for p in el.eligible_voters(m, ORG)))
    cast = sum(votes.values()) + blank + invalid
    held_round = ElectionRound(
        number=len(held.rounds) + 1,
        candidate_ids=candidates,
        eligible_ids=voters,
        voter_ids=voters[:cast],
        counts=tuple(VoteCount(c, votes.get(c, 0)) for c in candidates),
        blank=blank,
        invalid=invalid,
        closed_at=NOW,
    )
    return el.record_round(m, "e1", held_round)


# -- who may stand (L1) -----------------------------------------------------------


def test_only_full_members_of_the_group_not_under_probation_may_stand() -> None:
    bars = {p.id: bars for p, bars in el.nominees(meeting(), ORG)}
    assert bars["a"] == () and bars["w"] == ()  # a warning does not bar
    assert bars["p"] == (el.Bar.PROBATIONARY,)
    assert bars["k"] == (el.Bar.PARTY_PROBATION,)
    assert "x" not in bars and "m" not in bars  # not members of this group
    assert el.leader_bars(ORG.person("x"), "g1") == (el.Bar.NOT_IN_GROUP,)  # type: ignore[arg-type]
    assert el.leader_bars(ORG.person("m"), "g1") == (el.Bar.NOT_PARTY_MEMBER,)  # type: ignore[arg-type]


def test_the_reasons_say_why_in_both_languages() -> None:
    assert el.Bar.PROBATIONARY.reason("zh") == "预备党员,不能担任党小组长"
    assert el.Bar.PARTY_PROBATION.reason("zh") == "受留党察看处分,不能担任党小组长"
    assert "probationary" in el.Bar.PROBATIONARY.reason("en")
    assert el.Bar.PROBATIONARY.reason("zh", voting=True) == "预备党员,没有表决权"


@pytest.mark.parametrize(("candidate", "words"), [("p", "预备党员"), ("k", "留党察看")])
def test_an_ineligible_candidate_is_refused_with_the_reason(candidate: str, words: str) -> None:
    with pytest.raises(FlowError) as refused:
        opened("a", candidate)
    assert refused.value.rule == "L1" and words in refused.value.message_zh


def test_the_seed_words_for_the_leader_rules_are_verbatim() -> None:
    for line in ("预备党员不能担任党小组长", "受留党察看处分的党员不能担任党小组长"):
        assert line in SEED
    assert "表决权" not in SEED  # hence the Party Constitution for who votes
    assert "预备党员" in el.VOTE_RULE_ZH and "留党察看" in el.VOTE_RULE_ZH


# -- who votes --------------------------------------------------------------------


def test_full_members_present_vote_probationary_and_under_probation_do_not() -> None:
    voters = {p.id for p in el.eligible_voters(meeting(), ORG)}
    assert voters == {"a", "b", "c", "d", "w", "late"}
    m = meeting()
    assert el.vote_bars(ORG.person("p"), m, ORG) == (el.Bar.PROBATIONARY,)  # type: ignore[arg-type]
    assert el.vote_bars(ORG.person("k"), m, ORG) == (el.Bar.PARTY_PROBATION,)  # type: ignore[arg-type]
    assert el.vote_bars(ORG.person("away"), m, ORG) == (el.Bar.NOT_PRESENT,)  # type: ignore[arg-type]


# -- opening ----------------------------------------------------------------------


def test_an_election_is_held_during_the_meeting_one_at_a_time() -> None:
    with pytest.raises(FlowError):
        el.open_election(
            meeting(Step.PREPARATION), ORG, "e1", VotingMethod.SECRET_BALLOT, ["a"], NOW
        )
    with pytest.raises(FlowError) as final:
        el.open_election(meeting(Step.FINALISED), ORG, "e1", VotingMethod.SECRET_BALLOT, ["a"], NOW)
    assert final.value.rule == "R3"
    with pytest.raises(FlowError):
        el.open_election(opened("a", "b"), ORG, "e2", VotingMethod.SECRET_BALLOT, ["c"], NOW)
    with pytest.raises(FlowError):
        el.open_election(meeting(), ORG, "e1", VotingMethod.SECRET_BALLOT, [], NOW)


# -- the result --------------------------------------------------------------------


def test_the_most_votes_win_with_more_than_half_of_the_ballots_cast() -> None:
    m = counted(opened("a", "b"), {"a": 4, "b": 1}, blank=1)
    held = el.election(m, "e1")
    assert held.elected_id == "a" and not held.open and len(held.rounds) == 1


def test_exactly_half_is_not_a_majority_a_new_round_between_the_top_two() -> None:
    # a 3 of 6 (blank and invalid count as cast): no majority.
    m = counted(opened("a", "b", "c"), {"a": 3, "b": 1, "c": 0}, blank=1, invalid=1)
    held = el.election(m, "e1")
    assert held.elected_id is None and held.open
    assert el.round_candidates(held) == ("a", "b")
    m = counted(m, {"a": 4, "b": 2})
    assert el.election(m, "e1").elected_id == "a"


def test_a_tie_elects_nobody_and_the_tied_vote_again() -> None:
    m = counted(opened("a", "b", "c"), {"a": 3, "b": 3, "c": 0})
    held = el.election(m, "e1")
    assert held.elected_id is None and held.open
    assert el.outcome(held.rounds[0]).tie
    assert el.round_candidates(held) == ("a", "b")
    m = counted(m, {"a": 3, "b": 3})  # tied again: again
    assert el.round_candidates(el.election(m, "e1")) == ("a", "b")
    m = counted(m, {"a": 2, "b": 4})
    held = el.election(m, "e1")
    assert held.elected_id == "b" and [r.number for r in held.rounds] == [1, 2, 3]


def test_a_tie_for_second_place_keeps_all_of_them_in_the_new_round() -> None:
    m = counted(opened("a", "b", "c", "d"), {"a": 2, "b": 1, "c": 1, "d": 0}, blank=2)
    assert el.round_candidates(el.election(m, "e1")) == ("a", "b", "c")


def test_a_single_candidate_without_a_majority_is_not_elected() -> None:
    m = counted(opened("a"), {"a": 3}, blank=3)
    held = el.election(m, "e1")
    assert held.elected_id is None and not held.open


def test_the_leader_may_end_an_election_without_a_result() -> None:
    m = counted(opened("a", "b"), {"a": 3, "b": 3})
    m = el.end_election(m, "e1", NOW)
    held = el.election(m, "e1")
    assert not held.open and held.elected_id is None
    with pytest.raises(FlowError):
        counted(m, {"a": 1, "b": 0})


def test_a_round_with_no_ballot_or_too_many_is_refused() -> None:
    with pytest.raises(FlowError):
        counted(opened("a", "b"), {})
    with pytest.raises(FlowError):
        counted(opened("a", "b"), {"a": 5, "b": 2})  # 6 members present have a vote


# -- show of hands -------------------------------------------------------------------


def test_show_of_hands_everyone_present_with_a_vote_takes_part() -> None:
    m = opened("a", "b", method=VotingMethod.SHOW_OF_HANDS)
    held_round = el.show_of_hands_round(m, ORG, "e1", {"a": 2, "b": 3}, NOW)
    assert held_round.voter_ids == ("a", "b", "c", "d", "late", "w")
    assert held_round.blank == 1  # one raised no hand
    m = el.record_round(m, "e1", held_round)
    assert el.election(m, "e1").elected_id is None  # 3 of 6 is not more than half
    assert el.round_candidates(el.election(m, "e1")) == ("a", "b")
    with pytest.raises(FlowError) as too_many:
        el.show_of_hands_round(m, ORG, "e1", {"a": 4, "b": 3}, NOW)
    assert "每人只能举手一次" in too_many.value.message_zh


def test_a_secret_ballot_is_not_counted_by_hands() -> None:
    with pytest.raises(FlowError):
        el.show_of_hands_round(opened("a", "b"), ORG, "e1", {"a": 1}, NOW)
    with pytest.raises(FlowError):
        el.BallotBox(opened("a", method=VotingMethod.SHOW_OF_HANDS), ORG, "e1", NOW)


# -- the secret ballot box -----------------------------------------------------------


def test_the_ballot_box_keeps_who_voted_and_the_tally_never_who_chose_whom() -> None:
    m = opened("a", "b")
    box = el.BallotBox(m, ORG, "e1", NOW)
    assert box.waiting() == ("a", "b", "c", "d", "late", "w")
    box.cast("w", "a")
    box.cast("c", "b")
    box.cast("a", None)
    box.cast("late", "a")
    with pytest.raises(FlowError):
        box.cast("c", "a")  # once only
    with pytest.raises(FlowError):
        box.cast("p", "a")  # a probationary member has no vote
    assert box.voted == 4 and box.waiting() == ("b", "d")
    # Only a set and numbers inside: no attribute pairs a voter with a choice.
    assert {type(v) for v in vars(box).values()} <= {str, int, tuple, set, dict, type(NOW)}
    assert set(box._tally) == {"a", "b"}
    held_round = box.close(NOW)
    assert held_round.voter_ids == ("a", "c", "late", "w")  # sorted, not in voting order
    assert held_round.counts == (VoteCount("a", 2), VoteCount("b", 1))
    assert held_round.blank == 1
    assert {f.name for f in fields(ElectionRound)} == {
        "number",
        "candidate_ids",
        "eligible_ids",
        "voter_ids",
        "counts",
        "blank",
        "invalid",
        "closed_at",
    }
    m = el.record_round(m, "e1", held_round)
    assert el.election(m, "e1").elected_id is None  # 2 of 4 is not more than half


def test_a_ballot_box_needs_someone_with_a_vote() -> None:
    nobody = replace(meeting(), attendance=())
    m = el.open_election(nobody, ORG, "e1", VotingMethod.SECRET_BALLOT, ["a"], NOW)
    with pytest.raises(FlowError):
        el.BallotBox(m, ORG, "e1", NOW)


# -- in the minutes -------------------------------------------------------------------


def test_the_minutes_carry_the_method_the_counts_and_the_result() -> None:
    m = counted(opened("a", "b"), {"a": 3, "b": 3})
    m = counted(m, {"a": 4, "b": 2})
    minutes = minutes_of(m, ORG)
    (record,) = minutes.elections
    assert record.method is VotingMethod.SECRET_BALLOT and record.elected == "甲"
    assert record.rounds[0].counts == (("甲", 3), ("乙", 3))
    zh = "\n".join(record.lines("zh"))
    assert "选举党小组长(无记名投票),候选人:甲、乙" in zh
    assert "第1轮:到会有表决权6人,投票6张;甲3票、乙3票;弃权0,废票0。" in zh
    assert "甲、乙得票相同,无人当选,在他们之间重新投票。" in zh
    assert "选举结果:甲当选党小组长。" in zh
    en = "\n".join(record.lines("en"))
    assert "secret ballot" in en and "甲 elected group leader" in en


def test_an_unfinished_election_says_so_in_the_minutes() -> None:
    (record,) = minutes_of(opened("a", "b", method=VotingMethod.SHOW_OF_HANDS), ORG).elections
    assert record.lines("zh")[-1] == "选举尚未结束。"
    assert "举手表决" in record.lines("zh")[0]
