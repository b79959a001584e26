"""People and groups named by id or by name (``rules.organisation.lookup``), as the
command line and ``xiaozu pin set PERSON`` look them up."""

from __future__ import annotations

from datetime import date

import pytest

from rules.models import Branch, Group, MemberStatus, Organisation, Person
from rules.organisation.lookup import LISTED_MAX, LookupProblem, find_group, find_person

FULL = MemberStatus.FULL


def org() -> Organisation:
    return Organisation(
        branch=Branch(id="b", name="机关党支部"),
        groups=(
            Group(id="g1", name="第一党小组"),
            Group(id="g2", name="第二党小组"),
            Group(id="g-old", name="老干部党小组", dissolved_on=date(2025, 6, 30)),
        ),
        people=(
            Person(id="p-a1", name="张伟", status=FULL, member_no="DY001", group_id="g1",
                   department="生产一车间"),
            Person(id="p-b2", name="张伟", status=FULL, member_no="DY002", group_id="g2",
                   department="财务科"),
            Person(id="p-c3", name="李红", status=FULL, member_no="DY003", group_id="g1"),
            Person(id="p-d4", name="Wang Li", status=MemberStatus.MASSES),
        ),
    )  # fmt: skip


# -- people -------------------------------------------------------------------


def test_a_person_by_id_by_member_number_or_by_a_name_no_one_else_has() -> None:
    assert find_person(org(), "p-c3").name == "李红"
    assert find_person(org(), "DY003").id == "p-c3"
    assert find_person(org(), "李红").id == "p-c3"
    # an id of two people who share a name is how one of them is chosen
    assert find_person(org(), "p-b2").department == "财务科"


def test_names_are_compared_after_nfkc_and_without_surrounding_spaces() -> None:
    assert find_person(org(), "  李红\u3000").id == "p-c3"
    assert find_person(org(), "Ｗａｎｇ Ｌｉ").id == "p-d4"  # full-width, as a Chinese IME types
    assert find_person(org(), "ＤＹ００３").id == "p-c3"


def test_a_shared_name_is_refused_with_both_ids_groups_and_departments() -> None:
    with pytest.raises(LookupProblem) as caught:
        find_person(org(), "张伟")
    zh, en = caught.value.message_zh, caught.value.message_en
    for text in (zh, en):
        assert "p-a1" in text and "p-b2" in text
        assert "第一党小组" in text and "第二党小组" in text
        assert "生产一车间" in text and "财务科" in text
    assert "编号" in zh and "id" in en


def test_an_unknown_name_lists_the_people_most_like_it_first() -> None:
    with pytest.raises(LookupProblem) as caught:
        find_person(org(), "李洪")
    zh, en = caught.value.message_zh, caught.value.message_en
    assert "'李洪'" in zh and "'李洪'" in en
    listed = [line.split()[0] for line in en.splitlines()[1:]]
    assert listed[0] == "p-c3"  # shares 李
    assert set(listed) == {"p-a1", "p-b2", "p-c3", "p-d4"}


def test_a_long_roster_is_not_listed_whole() -> None:
    people = tuple(Person(id=f"p{i}", name=f"人{i}", status=FULL) for i in range(50))
    branch = Organisation(branch=Branch(id="b", name="支部"), people=people)
    with pytest.raises(LookupProblem) as caught:
        find_person(branch, "nobody")
    lines = caught.value.message_en.splitlines()
    assert len(lines) == 1 + LISTED_MAX + 1
    assert lines[-1].strip() == f"… and {50 - LISTED_MAX} more"


def test_no_person_given_says_what_to_write() -> None:
    with pytest.raises(LookupProblem, match="name or an id"):
        find_person(org(), "  ")


# -- groups -------------------------------------------------------------------


def test_a_group_by_id_or_by_name() -> None:
    assert find_group(org(), "g2").name == "第二党小组"
    assert find_group(org(), "第二党小组").id == "g2"
    assert find_group(org(), " 第二党小组 ").id == "g2"


def test_an_unknown_group_lists_the_groups() -> None:
    with pytest.raises(LookupProblem) as caught:
        find_group(org(), "第九党小组")
    zh, en = caught.value.message_zh, caught.value.message_en
    assert "'第九党小组'" in zh and "g1  第一党小组" in zh and "g2  第二党小组" in zh
    assert "g-old  老干部党小组  (已撤销 2025-06-30)" in zh
    assert "g1  第一党小组" in en and "(dissolved 2025-06-30)" in en


def test_a_dissolved_group_is_found_unless_only_active_ones_will_do() -> None:
    assert find_group(org(), "老干部党小组").id == "g-old"  # e.g. for an old year's ledger
    for text in ("老干部党小组", "g-old"):
        with pytest.raises(LookupProblem) as caught:
            find_group(org(), text, active_only=True)
        assert "老干部党小组" not in caught.value.message_zh.split("\n", 1)[1]
    with pytest.raises(LookupProblem, match="dissolved on 2025-06-30"):
        find_group(org(), "g-old", active_only=True)


def test_two_groups_of_one_name_are_refused_with_their_ids() -> None:
    branch = org()
    renamed = Group(id="g3", name="第一党小组", dissolved_on=date(2024, 1, 1))
    branch = Organisation(branch=branch.branch, groups=(*branch.groups, renamed))
    with pytest.raises(LookupProblem) as caught:
        find_group(branch, "第一党小组")
    assert "g1" in caught.value.message_en and "g3" in caught.value.message_en
    assert find_group(branch, "第一党小组", active_only=True).id == "g1"
