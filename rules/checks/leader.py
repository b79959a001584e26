"""The group leader (党小组长): L1, and L3 (committee members in a group)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from rules.checks.findings import Finding, Severity
from rules.meeting.election import Bar, leader_bars
from rules.models import BranchRecords, Capacity

from ._common import (
    checked_meetings,
    finding,
    group_subject,
    meeting_label,
    meeting_label_en,
    meeting_subject,
    name_of,
)


def l1_leader_eligible(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """L1 — 必须是中共正式党员; 预备党员不能担任党小组长; 受留党察看处分的党员不能担任党小组长.

    Errors: an active group without a leader; a leader who is not a party
    member of that group, is a probationary member, or is under 留党察看.
    """
    org = records.organisation
    for group in org.active_groups:
        subject = group_subject(group)
        if group.leader_id is None:
            yield finding(
                "L1",
                Severity.ERROR,
                subject,
                f"{group.name}没有党小组长:请组织本组党员选举一名正式党员担任党小组长。",
                f"{group.name} has no leader: have its members elect a full member as leader.",
            )
            continue
        leader = org.person(group.leader_id)
        if leader is None:
            yield finding(
                "L1",
                Severity.ERROR,
                subject,
                f"{group.name}的党小组长(编号{group.leader_id})不在本支部人员名单中:"
                "请重新选举党小组长或更正记录。",
                f"The leader of {group.name} ({group.leader_id}) is not among the branch's "
                "people: elect a new leader or correct the record.",
            )
            continue
        if not leader.is_party_member:
            yield finding(
                "L1",
                Severity.ERROR,
                subject,
                f"{group.name}的党小组长{leader.name}不是党员:党小组长必须是中共正式党员,"
                "请重新选举。",
                f"{leader.name}, leader of {group.name}, is not a party member; the leader "
                "must be a full member: hold a new election.",
            )
            continue
        # The same bars the election's candidates are checked against.
        bars = leader_bars(leader, group.id)
        if Bar.NOT_IN_GROUP in bars:
            yield finding(
                "L1",
                Severity.ERROR,
                subject,
                f"{group.name}的党小组长{leader.name}不是本组党员:党小组长由所在党小组的党员"
                "推选产生,请将其编入本组或重新选举。",
                f"{leader.name}, leader of {group.name}, is not a member of that group: "
                "move them into the group or elect a leader from among its members.",
            )
        if Bar.PROBATIONARY in bars:
            yield finding(
                "L1",
                Severity.ERROR,
                subject,
                f"{group.name}的党小组长{leader.name}是预备党员:预备党员不能担任党小组长,"
                "请另选一名正式党员。",
                f"{leader.name}, leader of {group.name}, is a probationary member, who "
                "cannot be group leader: elect a full member instead.",
            )
        if Bar.PARTY_PROBATION in bars:
            yield finding(
                "L1",
                Severity.ERROR,
                subject,
                f"{group.name}的党小组长{leader.name}受留党察看处分:"
                "受留党察看处分的党员不能担任党小组长,请另选。",
                f"{leader.name}, leader of {group.name}, is under 留党察看 (probation within "
                "the Party) and cannot be group leader: elect another leader.",
            )


def l3_committee_capacity(records: BranchRecords, now: datetime) -> Iterator[Finding]:
    """L3 — 支部书记和支委会委员如果没有受支委会的委托,他们在党小组会上的发言只能代表个人意见.

    Error: an opinion recorded as the committee's (代表支委会) whose speaker is
    not on the committee, or was not delegated for this meeting (a guest entry
    with ``delegated_by_committee`` is the delegation record). One finding per
    speaker and meeting.
    """
    org = records.organisation
    for meeting in checked_meetings(records):
        delegated = {g.person_id for g in meeting.guests if g.delegated_by_committee}
        topics_by_speaker: dict[str, list[int]] = {}
        for opinion in meeting.opinions:
            if opinion.capacity is Capacity.COMMITTEE:
                topics_by_speaker.setdefault(opinion.speaker_id, []).append(opinion.topic_index)
        for speaker_id, topic_indexes in topics_by_speaker.items():
            speaker = org.person(speaker_id)
            name = name_of(org, speaker_id)
            topics = "、".join(str(i + 1) for i in sorted(set(topic_indexes)))
            label = meeting_label(meeting, org)
            label_en = meeting_label_en(meeting, org)
            if speaker is None or not speaker.branch_role.on_committee:
                yield finding(
                    "L3",
                    Severity.ERROR,
                    meeting_subject(meeting, org),
                    f"{label}记录{name}代表支委会发言(议题{topics}),但{name}不是支委会成员:"
                    "请改记为个人意见。",
                    f"In {label_en}, {name} is recorded as speaking for the branch committee "
                    f"(topic {topics}) but is not on the committee: record it as a personal "
                    "opinion.",
                )
            elif speaker_id not in delegated:
                yield finding(
                    "L3",
                    Severity.ERROR,
                    meeting_subject(meeting, org),
                    f"{label}记录{name}代表支委会发言(议题{topics}),但没有支委会的委托记录:"
                    "未受支委会委托的发言只能代表个人意见;请改记为个人意见,或补记委托。",
                    f"In {label_en}, {name} is recorded as speaking for the branch committee "
                    f"(topic {topics}) without a recorded delegation: without it their words "
                    "are a personal opinion; record them so, or record the delegation.",
                )
