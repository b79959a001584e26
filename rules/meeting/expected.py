"""Who is expected at a meeting: the group's party members, or the branch's
for a member congress. The minutes, the steps, the election and sign-in all
ask it, so it sits below them."""

from __future__ import annotations

from collections.abc import Mapping

from rules.models import Meeting, Organisation, Person

MembersByGroup = Mapping[str | None, tuple[Person, ...]]
"""Each group's party members, and under None every party member of the
branch (:func:`members_by_group`)."""


def members_by_group(org: Organisation) -> MembersByGroup:
    """What :func:`meeting_members` looks up, for every group at once: the
    rules engine asks it for every meeting of ten years."""
    found: dict[str | None, list[Person]] = {}
    for person in org.people:
        if person.is_party_member and person.group_id is not None:
            found.setdefault(person.group_id, []).append(person)
    index: dict[str | None, tuple[Person, ...]] = {g: tuple(ps) for g, ps in found.items()}
    index[None] = org.party_members
    return index


def meeting_members(
    meeting: Meeting, org: Organisation, by_group: MembersByGroup | None = None
) -> tuple[Person, ...]:
    """The party members expected at ``meeting``: the group's members, or for
    a member congress (党员大会, ``group_id`` None) every party member of the
    branch. Once the meeting has started, those it started with.
    ``by_group``: :func:`members_by_group` of ``org``, when already known."""
    if meeting.expected_ids:
        wanted = set(meeting.expected_ids)
        return tuple(p for p in org.people if p.id in wanted)
    if by_group is not None:
        return by_group.get(meeting.group_id, ())
    if meeting.group_id is None:
        return org.party_members
    return org.members_of(meeting.group_id)
