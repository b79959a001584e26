"""Electing a group leader (选举党小组长, L1 and L2), at a meeting of the group.

The seed: "党小组长一般由所在党小组的党员推选产生。为了充分体现选举人的意愿,
选举一般采取无记名投票的方式,亦可采用举手表决的方式,最后坚持少数服从多数的原则,
由得票最多者当选" — and who may stand (L1): "必须是中共正式党员 … 预备党员不能担任
党小组长 受留党察看处分的党员不能担任党小组长".

Who votes. The seed says only "所在党小组的党员"; it says nothing of the vote
of a probationary member. xiaozu applies the Party Constitution (党章, not
the seed): 第七条 "预备党员的权利,除了没有表决权、选举权和被选举权以外,也同正式
党员一样" and 第四十条 "党员在留党察看期间没有表决权、选举权和被选举权". So the
voters of a round are the group's full members present at the meeting (出席 or
迟到) who are not under 留党察看.

The result of a round (少数服从多数, 得票最多者当选): the candidate with the
most votes is elected when those votes are more than half of the ballots
cast (blank and invalid ballots count as cast). Otherwise nobody is elected
and the group votes again:

- a tie for the most votes: the next round is between the tied candidates
  (SPEC L2: "A tie elects nobody: vote again between the tied candidates");
- one candidate ahead without a majority: the next round is between the
  first and the second — everyone with the most or the second-most votes;
- a single candidate without a majority is not elected, and the election
  ends without a result (a new election, with a new nomination, is needed).

The leader may also end an election without a result (e.g. votes keep
tying). A secret ballot keeps, even in memory, only who has voted and the
tally — never a voter next to a choice (``BallotBox``); a round is recorded
when it is closed, in one piece.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from rules.meeting.expected import meeting_members
from rules.meeting.flow_error import FlowError
from rules.models import (
    Discipline,
    Election,
    ElectionRound,
    Meeting,
    MemberStatus,
    Organisation,
    Person,
    VoteCount,
    VotingMethod,
)

#: What the Party Constitution says of who votes (not the seed: see above).
VOTE_RULE_ZH = (
    "《中国共产党章程》第七条:预备党员的权利,除了没有表决权、选举权和被选举权以外,"
    "也同正式党员一样;第四十条:党员在留党察看期间没有表决权、选举权和被选举权。"
)
VOTE_RULE_EN = (
    "Party Constitution, art. 7: a probationary member has the rights of a full member "
    "except the rights to vote, to elect and to be elected; art. 40: a member under "
    "probation within the Party (留党察看) has no right to vote, to elect or to be elected."
)

METHOD_LABELS: dict[VotingMethod, tuple[str, str]] = {
    VotingMethod.SECRET_BALLOT: ("无记名投票", "secret ballot"),
    VotingMethod.SHOW_OF_HANDS: ("举手表决", "show of hands"),
}


class Bar(StrEnum):
    """Why someone may not stand as leader (L1) or may not vote."""

    NOT_PARTY_MEMBER = "not_party_member"
    NOT_IN_GROUP = "not_in_group"
    PROBATIONARY = "probationary"  # 预备党员
    PARTY_PROBATION = "party_probation"  # 留党察看
    NOT_PRESENT = "not_present"  # voting only

    def reason(self, lang: str = "zh", *, voting: bool = False) -> str:
        zh, en = (_VOTE_REASONS if voting else _LEADER_REASONS)[self]
        return en if lang == "en" else zh


_LEADER_REASONS: dict[Bar, tuple[str, str]] = {
    Bar.NOT_PARTY_MEMBER: ("不是党员,不能担任党小组长", "not a party member: cannot be leader"),
    Bar.NOT_IN_GROUP: (
        "不是本组党员(党小组长由所在党小组的党员推选产生)",
        "not a member of this group (a leader comes from the group's own members)",
    ),
    Bar.PROBATIONARY: ("预备党员,不能担任党小组长", "probationary member: cannot be leader"),
    Bar.PARTY_PROBATION: (
        "受留党察看处分,不能担任党小组长",
        "under 留党察看 (probation within the Party): cannot be leader",
    ),
    Bar.NOT_PRESENT: ("未出席", "not present"),
}

_VOTE_REASONS: dict[Bar, tuple[str, str]] = {
    Bar.NOT_PARTY_MEMBER: ("不是党员,没有表决权", "not a party member: no vote"),
    Bar.NOT_IN_GROUP: ("不是本组党员,不参加投票", "not a member of this group: no vote"),
    Bar.PROBATIONARY: ("预备党员,没有表决权", "probationary member: no vote"),
    Bar.PARTY_PROBATION: ("留党察看期间,没有表决权", "under 留党察看: no vote"),
    Bar.NOT_PRESENT: ("未出席,不参加投票", "not present: does not vote"),
}


# --------------------------------------------------------------------------
# Who may stand, who may vote


def leader_bars(person: Person, group_id: str | None) -> tuple[Bar, ...]:
    """Why ``person`` cannot be leader of ``group_id`` (L1); empty when they can.

    必须是中共正式党员; 预备党员不能担任党小组长; 受留党察看处分的党员不能担任
    党小组长; 党小组长一般由所在党小组的党员推选产生.
    """
    if not person.is_party_member:
        return (Bar.NOT_PARTY_MEMBER,)
    bars: list[Bar] = []
    if group_id is not None and person.group_id != group_id:
        bars.append(Bar.NOT_IN_GROUP)
    if person.status is MemberStatus.PROBATIONARY:
        bars.append(Bar.PROBATIONARY)
    if person.discipline is Discipline.PROBATION:
        bars.append(Bar.PARTY_PROBATION)
    return tuple(bars)


def may_be_leader(person: Person, group_id: str | None) -> bool:
    return not leader_bars(person, group_id)


def vote_bars(person: Person, meeting: Meeting, org: Organisation) -> tuple[Bar, ...]:
    """Why ``person`` has no vote in an election at ``meeting``; empty when
    they have one: a full member of the group, present, not under 留党察看."""
    if not person.is_party_member:
        return (Bar.NOT_PARTY_MEMBER,)
    bars: list[Bar] = []
    if person.id not in {p.id for p in meeting_members(meeting, org)}:
        bars.append(Bar.NOT_IN_GROUP)
    if person.status is MemberStatus.PROBATIONARY:
        bars.append(Bar.PROBATIONARY)
    if person.discipline is Discipline.PROBATION:
        bars.append(Bar.PARTY_PROBATION)
    record = meeting.attendance_of(person.id)
    if record is None or not record.status.attended:
        bars.append(Bar.NOT_PRESENT)
    return tuple(bars)


def eligible_voters(meeting: Meeting, org: Organisation) -> tuple[Person, ...]:
    """The members who vote in a round held now, in roster order."""
    return tuple(p for p in meeting_members(meeting, org) if not vote_bars(p, meeting, org))


def nominees(meeting: Meeting, org: Organisation) -> tuple[tuple[Person, tuple[Bar, ...]], ...]:
    """The group's members, each with why they cannot stand (empty: they can)."""
    return tuple((p, leader_bars(p, meeting.group_id)) for p in meeting_members(meeting, org))


# --------------------------------------------------------------------------
# Opening and closing


def election(meeting: Meeting, election_id: str) -> Election:
    for held in meeting.elections:
        if held.id == election_id:
            return held
    raise KeyError(election_id)


def open_election_of(meeting: Meeting) -> Election | None:
    """The election under way at ``meeting``, if any (one at a time)."""
    return next((e for e in meeting.elections if e.open), None)


def _during_meeting(meeting: Meeting) -> None:
    if meeting.step.minutes_final:
        raise FlowError(
            "R3",
            "会议记录已定稿,不能再进行选举。",
            "The minutes are finalised; no election can be held now.",
        )
    if not meeting.step.in_meeting:
        raise FlowError(
            "L2",
            "选举须在会议进行中举行(会议开始后)。",
            "An election is held during the meeting (once it has started).",
        )


def open_election(
    meeting: Meeting,
    org: Organisation,
    election_id: str,
    method: VotingMethod,
    candidate_ids: Iterable[str],
    now: datetime,
) -> Meeting:
    """Open an election of the group's leader at ``meeting``, with its
    candidates (each of whom may be leader, L1) and its method (L2)."""
    _during_meeting(meeting)
    if meeting.group_id is None:
        raise FlowError(
            "L2",
            "党员大会没有党小组长可选。",
            "A party member congress has no group leader to elect.",
        )
    if open_election_of(meeting) is not None:
        raise FlowError(
            "L2",
            "本次会议已有一场选举正在进行;请先结束它。",
            "An election is already under way at this meeting; end it first.",
        )
    wanted = tuple(dict.fromkeys(candidate_ids))
    if not wanted:
        raise FlowError("L2", "请至少选择一名候选人。", "Choose at least one candidate.")
    for person_id in wanted:
        person = org.person(person_id)
        if person is None:
            raise ValueError(f"no person {person_id}")
        bars = leader_bars(person, meeting.group_id)
        if bars:
            raise FlowError(
                "L1",
                f"{person.name}:{bars[0].reason('zh')}。",
                f"{person.name}: {bars[0].reason('en')}.",
            )
    held = Election(id=election_id, method=method, candidate_ids=wanted, opened_at=now)
    return replace(meeting, elections=(*meeting.elections, held))


def round_candidates(held: Election) -> tuple[str, ...]:
    """The candidates of the next round: all of them at first, then those
    the last round left in (see the module's docstring)."""
    if not held.rounds:
        return held.candidate_ids
    return outcome(held.rounds[-1]).next_candidates


@dataclass(frozen=True)
class Outcome:
    """What one round came to."""

    elected_id: str | None
    # The next round's candidates; empty when elected, or when the election
    # ends without a result (a single candidate without a majority).
    next_candidates: tuple[str, ...]
    tie: bool = False
    cast: int = 0


def cast_of(held_round: ElectionRound) -> int:
    """Ballots cast: votes for candidates, blank and invalid ballots."""
    return sum(c.votes for c in held_round.counts) + held_round.blank + held_round.invalid


def outcome(held_round: ElectionRound) -> Outcome:
    """少数服从多数,由得票最多者当选: the most votes, and more than half of the
    ballots cast."""
    cast = cast_of(held_round)
    by_votes = sorted({c.votes for c in held_round.counts}, reverse=True)
    top = by_votes[0] if by_votes else 0
    leaders = tuple(c.candidate_id for c in held_round.counts if c.votes == top)
    if len(leaders) == 1 and top * 2 > cast:
        return Outcome(leaders[0], (), cast=cast)
    if len(leaders) > 1:
        return Outcome(None, leaders, tie=True, cast=cast)
    if len(held_round.counts) == 1:
        return Outcome(None, (), cast=cast)
    second = by_votes[1] if len(by_votes) > 1 else top
    runoff = tuple(c.candidate_id for c in held_round.counts if c.votes >= second)
    return Outcome(None, runoff, cast=cast)


def _open(meeting: Meeting, election_id: str) -> Election:
    _during_meeting(meeting)
    held = election(meeting, election_id)
    if not held.open:
        raise FlowError("L2", "这场选举已经结束。", "This election has ended.")
    return held


def _put(meeting: Meeting, held: Election) -> Meeting:
    return replace(
        meeting, elections=tuple(held if e.id == held.id else e for e in meeting.elections)
    )


def record_round(meeting: Meeting, election_id: str, held_round: ElectionRound) -> Meeting:
    """Add a closed round to the election and decide it: elected, the next
    round, or (a single candidate without a majority) no result."""
    held = _open(meeting, election_id)
    expected = round_candidates(held)
    if held_round.candidate_ids != expected:
        raise ValueError("the round's candidates are not this round's")
    if held_round.number != len(held.rounds) + 1:
        raise ValueError("rounds are numbered in order")
    if tuple(c.candidate_id for c in held_round.counts) != expected:
        raise ValueError("a count for each candidate, in order")
    if any(c.votes < 0 for c in held_round.counts) or min(held_round.blank, held_round.invalid) < 0:
        raise ValueError("counts cannot be negative")
    if cast_of(held_round) == 0:
        raise FlowError("L2", "本轮没有人投票。", "Nobody has voted in this round.")
    if cast_of(held_round) > len(held_round.eligible_ids):
        raise FlowError(
            "L2",
            "票数多于有表决权的到会人数。",
            "More votes than members present with a vote.",
        )
    result = outcome(held_round)
    done = result.elected_id is not None or not result.next_candidates
    held = replace(
        held,
        rounds=(*held.rounds, held_round),
        elected_id=result.elected_id,
        closed_at=held_round.closed_at if done else None,
    )
    return _put(meeting, held)


def end_election(meeting: Meeting, election_id: str, now: datetime) -> Meeting:
    """The leader ends an election without a result (it stays in the minutes)."""
    held = _open(meeting, election_id)
    return _put(meeting, replace(held, closed_at=now))


def show_of_hands_round(
    meeting: Meeting,
    org: Organisation,
    election_id: str,
    hands: Mapping[str, int],
    now: datetime,
) -> ElectionRound:
    """A round by show of hands (举手表决): the leader counts the hands for
    each candidate; every member present with a vote took part, and those
    who raised no hand abstained."""
    held = _open(meeting, election_id)
    if held.method is not VotingMethod.SHOW_OF_HANDS:
        raise FlowError("L2", "这是无记名投票。", "This election is by secret ballot.")
    candidates = round_candidates(held)
    voters = tuple(sorted(p.id for p in eligible_voters(meeting, org)))
    counts = tuple(VoteCount(c, hands.get(c, 0)) for c in candidates)
    if any(c.votes < 0 for c in counts):
        raise FlowError("L2", "举手人数不能为负。", "A count cannot be negative.")
    raised = sum(c.votes for c in counts)
    if raised > len(voters):
        raise FlowError(
            "L2",
            f"举手共{raised}人次,多于有表决权的到会人数{len(voters)}人:每人只能举手一次。",
            f"{raised} hands, more than the {len(voters)} members present with a vote: "
            "each raises a hand once.",
        )
    return ElectionRound(
        number=len(held.rounds) + 1,
        candidate_ids=candidates,
        eligible_ids=voters,
        voter_ids=voters,
        counts=counts,
        blank=len(voters) - raised,
        closed_at=now,
    )


class BallotBox:
    """A secret-ballot round at the kiosk (无记名投票), in memory only.

    It knows who has voted (a set) and how many votes each candidate has (a
    tally) — never which voter gave which vote, not even for a moment after
    ``cast`` returns — and shows the tally only when the round is closed.
    Nothing is written while voting goes on: successive versions of a file
    would link each voter to a change in the counts. If the kiosk stops or
    locks before ``close``, the round is lost and voted again.
    """

    def __init__(
        self, meeting: Meeting, org: Organisation, election_id: str, now: datetime
    ) -> None:
        held = _open(meeting, election_id)
        if held.method is not VotingMethod.SECRET_BALLOT:
            raise FlowError("L2", "这是举手表决。", "This election is by show of hands.")
        self.election_id = election_id
        self.number = len(held.rounds) + 1
        self.candidate_ids = round_candidates(held)
        self.eligible_ids = tuple(sorted(p.id for p in eligible_voters(meeting, org)))
        if not self.eligible_ids:
            raise FlowError(
                "L2",
                "没有有表决权的到会党员,不能投票。",
                "No member present has a vote.",
            )
        self.opened_at = now
        self._voted: set[str] = set()
        self._tally: dict[str, int] = dict.fromkeys(self.candidate_ids, 0)
        self._blank = 0

    def has_voted(self, voter_id: str) -> bool:
        return voter_id in self._voted

    @property
    def voted(self) -> int:
        return len(self._voted)

    def waiting(self) -> tuple[str, ...]:
        """Voters who have not voted yet, sorted by id."""
        return tuple(v for v in self.eligible_ids if v not in self._voted)

    def cast(self, voter_id: str, candidate_id: str | None) -> None:
        """One ballot: for ``candidate_id``, or blank (弃权) when None."""
        if voter_id not in self.eligible_ids:
            raise FlowError(
                "L2", "此人在本轮没有表决权。", "This person has no vote in this round."
            )
        if voter_id in self._voted:
            raise FlowError("L2", "此人已经投过票。", "This person has already voted.")
        if candidate_id is not None and candidate_id not in self._tally:
            raise ValueError(f"{candidate_id} is not a candidate of this round")
        self._voted.add(voter_id)
        if candidate_id is None:
            self._blank += 1
        else:
            self._tally[candidate_id] += 1

    def close(self, now: datetime) -> ElectionRound:
        """The round as it is recorded: the voters sorted, the counts."""
        return ElectionRound(
            number=self.number,
            candidate_ids=self.candidate_ids,
            eligible_ids=self.eligible_ids,
            voter_ids=tuple(sorted(self._voted)),
            counts=tuple(VoteCount(c, self._tally[c]) for c in self.candidate_ids),
            blank=self._blank,
            closed_at=now,
        )


# --------------------------------------------------------------------------
# In the minutes


@dataclass(frozen=True)
class RoundMinutes:
    number: int
    eligible: int  # present with a vote
    cast: int
    counts: tuple[tuple[str, int], ...]  # (candidate's name, votes)
    blank: int
    invalid: int
    result_zh: str
    result_en: str


@dataclass(frozen=True)
class ElectionMinutes:
    """An election as the minutes record it: the method, the candidates, the
    counts of each round and the result."""

    method: VotingMethod
    candidates: tuple[str, ...]  # names
    rounds: tuple[RoundMinutes, ...]
    elected: str  # the name; "" when nobody was elected
    finished: bool

    def lines(self, lang: str = "zh") -> list[str]:
        """The election as lines of text, for the minutes and their exports."""
        en = lang == "en"
        method = METHOD_LABELS[self.method][1 if en else 0]
        names = ", ".join(self.candidates) if en else "、".join(self.candidates)
        out = [
            f"Election of the group leader ({method}); candidates: {names}"
            if en
            else f"选举党小组长({method}),候选人:{names}"
        ]
        for r in self.rounds:
            votes = (
                ", ".join(f"{n} {v}" for n, v in r.counts)
                if en
                else ("、".join(f"{n}{v}票" for n, v in r.counts))
            )
            if en:
                out.append(
                    f"Round {r.number}: {r.eligible} present with a vote, {r.cast} ballots"
                    f" cast; {votes}; blank {r.blank}, invalid {r.invalid}. {r.result_en}"
                )
            else:
                out.append(
                    f"第{r.number}轮:到会有表决权{r.eligible}人,投票{r.cast}张;{votes};"
                    f"弃权{r.blank},废票{r.invalid}。{r.result_zh}"
                )
        if self.elected:
            out.append(
                f"Result: {self.elected} elected group leader."
                if en
                else f"选举结果:{self.elected}当选党小组长。"
            )
        elif self.finished:
            out.append("Result: nobody elected." if en else "选举结果:未选出党小组长。")
        else:
            out.append("The election is not finished." if en else "选举尚未结束。")
        return out


def _round_result(held_round: ElectionRound, org: Organisation) -> tuple[str, str]:
    result = outcome(held_round)

    def names(ids: tuple[str, ...], sep: str) -> str:
        return sep.join(_name(org, i) for i in ids)

    if result.elected_id is not None:
        who = _name(org, result.elected_id)
        return f"{who}得票过半数,当选。", f"{who} has more than half of the ballots: elected."
    if result.tie:
        zh, en = names(result.next_candidates, "、"), names(result.next_candidates, ", ")
        return (
            f"{zh}得票相同,无人当选,在他们之间重新投票。",
            f"{en} tied: nobody elected; vote again between them.",
        )
    if not result.next_candidates:
        return "候选人得票未过半数,未当选。", "The candidate has no majority: not elected."
    zh, en = names(result.next_candidates, "、"), names(result.next_candidates, ", ")
    return (
        f"无人得票过半数,在得票最多的{zh}之间重新投票。",
        f"Nobody has more than half: vote again between {en}, who had the most votes.",
    )


def _name(org: Organisation, person_id: str) -> str:
    person = org.person(person_id)
    return person.name if person else person_id


def election_minutes(held: Election, org: Organisation) -> ElectionMinutes:
    rounds = tuple(
        RoundMinutes(
            number=r.number,
            eligible=len(r.eligible_ids),
            cast=cast_of(r),
            counts=tuple((_name(org, c.candidate_id), c.votes) for c in r.counts),
            blank=r.blank,
            invalid=r.invalid,
            result_zh=_round_result(r, org)[0],
            result_en=_round_result(r, org)[1],
        )
        for r in held.rounds
    )
    return ElectionMinutes(
        method=held.method,
        candidates=tuple(_name(org, c) for c in held.candidate_ids),
        rounds=rounds,
        elected=_name(org, held.elected_id) if held.elected_id else "",
        finished=not held.open,
    )
