"""``xiaozu badges``: each party member's personal QR badge on a printable sheet.

The codes are checked the way a scanner would read them: every inline SVG on
the sheet is rasterised from its own path data (4 pixels a module) and
decoded by zxing-cpp, like tests/tui/test_qr.py does for the screen, and the
text read back must be a badge that ``rules.meeting.signin.check_badge`` accepts for
the person named on that card, with the versions stored in the data
directory.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
import zxingcpp

from rules.meeting.signin import BadgeProblem, check_badge
from rules.models import Organisation
from storage import FileRepository
from tui.badges import badge_matrix, badge_sheet_html, qr_svg
from tui.cli import main

NOW = "2026-11-26T09:00:00+08:00"
DAY = "20261126"
SCALE = 4


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIAOZU_NOW", NOW)
    monkeypatch.delenv("XIAOZU_DATA", raising=False)
    monkeypatch.delenv("XIAOZU_LANG", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(data: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(data)): p.read_bytes()
        for p in sorted(data.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture
def demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    data = tmp_path / "data"
    assert run(capsys, "--data", str(data), "demo")[0] == 0
    return data


def stored(data: Path) -> tuple[Organisation, dict[str, int], bytes]:
    repo = FileRepository(data, writable=False)
    org = repo.organisation()
    assert org is not None
    return org, repo.badge_versions(), repo.kiosk_secret()


# --------------------------------------------------------------------------
# Reading the sheet back: the cards, and each QR as a scanner sees it

_CARD = re.compile(r'<div class="card">(.*?)</div></div>', re.S)
_NAME = re.compile(r'<p class="name">(.*?)</p>', re.S)
_SVG = re.compile(r"<svg\b([^>]*)>(.*?)</svg>", re.S)
_ATTR = re.compile(r'([A-Za-z-]+)="([^"]*)"')
_RECT = re.compile(r"<rect\b([^>]*)/>")
_PATH = re.compile(r"<path\b([^>]*)/>")
_PATH_TOKEN = re.compile(r"[MmHhVvZz]|-?\d+")


def _attrs(text: str) -> dict[str, str]:
    return dict(_ATTR.findall(text))


def _dark_rectangles(d: str) -> list[tuple[int, int, int, int]]:
    """The path's subpaths (M, h, v, H, V, z, absolute or relative), each of
    which must close an axis-aligned rectangle: (x0, y0, x1, y1)."""
    tokens = _PATH_TOKEN.findall(d)
    assert "".join(tokens) == d.replace(" ", "").replace(",", ""), f"unexpected path data: {d}"
    rects: list[tuple[int, int, int, int]] = []
    x = y = 0
    points: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        command = tokens[i]
        i += 1
        if command in "Zz":
            xs, ys = {p[0] for p in points}, {p[1] for p in points}
            assert len(xs) == 2 and len(ys) == 2, f"not a rectangle: {points}"
            rects.append((min(xs), min(ys), max(xs), max(ys)))
            points = []
            continue
        if command in "Mm":
            dx, dy = int(tokens[i]), int(tokens[i + 1])
            i += 2
            x, y = (x + dx, y + dy) if command == "m" else (dx, dy)
        else:
            value = int(tokens[i])
            i += 1
            if command == "h":
                x += value
            elif command == "H":
                x = value
            elif command == "v":
                y += value
            else:
                y = value
        points.append((x, y))
    assert not points, "an unclosed subpath"
    return rects


def raster(svg_attrs: str, body: str) -> memoryview:
    """A grayscale picture of one SVG code, SCALE pixels a module: the white
    background rectangle, then the dark path on top."""
    attrs = _attrs(svg_attrs)
    assert attrs["shape-rendering"] == "crispEdges"
    assert attrs["width"].endswith("mm") and float(attrs["width"][:-2]) >= 30
    assert attrs["height"] == attrs["width"]
    _, _, n_text, n_text_h = attrs["viewBox"].split()
    n = int(n_text)
    assert n_text_h == n_text
    background = _attrs(_RECT.search(body).group(1))  # type: ignore[union-attr]
    assert background == {
        "x": "0",
        "y": "0",
        "width": str(n),
        "height": str(n),
        "fill": "#ffffff",
    }
    paths = _PATH.findall(body)
    assert len(paths) == 1, "one path of dark modules"
    path = _attrs(paths[0])
    assert path["fill"] == "#000000"
    pixels = bytearray([255]) * (n * SCALE) ** 2
    for x0, y0, x1, y1 in _dark_rectangles(path["d"]):
        assert 0 <= x0 < x1 <= n and 0 <= y0 < y1 <= n
        for py in range(y0 * SCALE, y1 * SCALE):
            start = py * n * SCALE
            pixels[start + x0 * SCALE : start + x1 * SCALE] = bytes((x1 - x0) * SCALE)
    return memoryview(bytes(pixels)).cast("B", (n * SCALE, n * SCALE))


def decode(image: memoryview) -> list[str]:
    found = zxingcpp.read_barcodes(
        image,
        formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode),
        try_invert=False,  # a light-on-dark code must not pass
        try_rotate=False,
    )
    return [barcode.text for barcode in found]


def cards(sheet: str) -> list[tuple[str, str]]:
    """(the name on the card, the text its code decodes to), in order."""
    found = []
    for card in _CARD.findall(sheet):
        names = _NAME.findall(card)
        svgs = _SVG.findall(card)
        assert len(names) == 1 and len(svgs) == 1, card
        texts = decode(raster(*svgs[0]))
        assert len(texts) == 1, f"the code on {names[0]}'s card does not scan"
        found.append((html.unescape(names[0]), texts[0]))
    assert len(found) == sheet.count('class="card"')
    return found


def sheet_at(path: Path) -> str:
    assert path.is_file(), path
    return path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------
# The sheet


def test_a_group_sheet_has_exactly_its_party_members_and_every_code_is_their_badge(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "g1.html"
    code, printed, err = run(
        capsys, "--data", str(demo), "badges", "--group", "g1", "--out", str(out)
    )
    assert code == 0, err
    org, versions, secret = stored(demo)
    members = org.members_of("g1")
    assert members and all(p.is_party_member for p in members)
    on_sheet = cards(sheet_at(out))
    assert [name for name, _ in on_sheet] == [p.name for p in members]
    for person, (_, token) in zip(members, on_sheet, strict=True):
        verdict = check_badge(secret, token, versions)
        assert verdict.ok and verdict.person_id == person.id, (person, token)
        assert versions[person.id] == 1
    # Nobody outside the group was given a badge.
    assert set(versions) == {p.id for p in members}
    assert str(out) in printed and "7 张胸卡" in printed and "新制作" in printed


def test_all_groups_by_default_without_guests_and_in_the_current_folder(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    code, printed, err = run(capsys, "--data", str(demo), "badges")
    assert code == 0, err
    path = here / f"xiaozu-badges-all-{DAY}.html"
    assert sorted(p.name for p in here.iterdir()) == [path.name]
    assert path.name in printed
    org, versions, secret = stored(demo)
    party = [p for g in org.active_groups for p in org.members_of(g.id)]
    guests = [p for p in org.people if not p.is_party_member]
    assert guests, "the demo has guests (activists, the masses)"
    on_sheet = cards(sheet_at(path))
    assert [name for name, _ in on_sheet] == [p.name for p in party]
    assert len(on_sheet) == 20 and f"{len(party)} 张胸卡" in printed
    assert {check_badge(secret, token, versions).person_id for _, token in on_sheet} == {
        p.id for p in party
    }
    assert not any(guest.id in versions for guest in guests)
    # --group names the file after the group.
    code, _, _ = run(capsys, "--data", str(demo), "badges", "--group", "g2")
    assert code == 0 and (here / f"xiaozu-badges-g2-{DAY}.html").is_file()


def test_out_may_name_a_folder(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "print"
    folder.mkdir()
    code, _, err = run(capsys, "--data", str(demo), "badges", "--group", "g3", "--out", str(folder))
    assert code == 0, err
    assert (folder / f"xiaozu-badges-g3-{DAY}.html").is_file()


def test_reissue_revokes_the_old_badge_and_the_new_one_works(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "first.html", tmp_path / "second.html"
    assert run(capsys, "--data", str(demo), "badges", "--group", "g1", "--out", str(first))[0] == 0
    old = dict((name, token) for name, token in cards(sheet_at(first)))
    code, printed, err = run(
        capsys,
        "--data",
        str(demo),
        "badges",
        "--group",
        "g1",
        "--reissue",
        "p05",
        "--out",
        str(second),
    )
    assert code == 0, err
    org, versions, secret = stored(demo)
    chen = org.person("p05")
    assert chen is not None
    assert versions["p05"] == 2
    assert "补发" in printed and "p05" in printed and "新制作" not in printed
    new = dict((name, token) for name, token in cards(sheet_at(second)))
    assert check_badge(secret, old[chen.name], versions).problem is BadgeProblem.REVOKED
    assert check_badge(secret, old[chen.name], versions).person_id == "p05"
    assert check_badge(secret, new[chen.name], versions).ok
    assert "胸卡 第2版" in sheet_at(second)
    # Everyone else keeps the badge they have: same token, still accepted.
    for name, token in old.items():
        if name != chen.name:
            assert new[name] == token and check_badge(secret, token, versions).ok


def test_running_again_keeps_the_versions_and_the_badges(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "1.html", tmp_path / "2.html"
    assert run(capsys, "--data", str(demo), "badges", "--out", str(first))[0] == 0
    _, versions_before, _ = stored(demo)
    org_before = (demo / "org.json").read_bytes()
    code, printed, _ = run(capsys, "--data", str(demo), "badges", "--out", str(second))
    assert code == 0
    _, versions_after, _ = stored(demo)
    assert versions_after == versions_before and set(versions_after.values()) == {1}
    assert (demo / "org.json").read_bytes() == org_before, "nothing new to record"
    assert sheet_at(first) == sheet_at(second)
    assert "版本不变" in printed


def test_the_sheet_is_self_contained_printable_and_has_no_script(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s.html"
    assert run(capsys, "--data", str(demo), "badges", "--out", str(out))[0] == 0
    sheet = sheet_at(out)
    lower = sheet.lower()
    assert sheet.startswith("<!DOCTYPE html>")
    for outside in ("<script", "javascript:", "http://", "https://", "<link", "<img", "<iframe"):
        assert outside not in lower, outside
    assert re.search(r"\son[a-z]+\s*=", lower) is None, "no event handlers"
    assert "url(" not in lower and "@import" not in lower and "src=" not in lower
    # A4, bank-card sized cards that never split over a page.
    assert "@page" in sheet and "size: A4" in sheet
    assert "width: 85mm; height: 54mm" in sheet
    assert "page-break-inside: avoid" in sheet and "break-inside: avoid" in sheet
    # The note: keep it to yourself; a lost badge is revoked by reissuing.
    assert "不要转借" in sheet and "xiaozu badges --reissue ID" in sheet
    assert "胸卡 第1版 · 签发 2026年11月26日" in sheet


def test_english_sheet(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "en.html"
    code, printed, _ = run(
        capsys, "--data", str(demo), "--lang", "en", "badges", "--group", "g4", "--out", str(out)
    )
    assert code == 0
    sheet = sheet_at(out)
    assert '<html lang="en">' in sheet
    assert "Badge version 1 · issued 2026-11-26" in sheet
    assert "Keep it to yourself" in sheet and "xiaozu badges --reissue ID" in sheet
    assert "Badge sheet written to" in printed and "Newly issued" in printed


def test_names_from_the_roster_are_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    roster = tmp_path / "r.csv"
    roster.write_text(
        textwrap.dedent(
            """\
            姓名,党员编号,党小组,部门,身份,党纪处分,领导职务,支部职务,组长
            <b>王五</b>,GD001,<i>一组</i>,车间,正式党员,,否,,是
            李&四,GD002,<i>一组</i>,车间,正式党员,,否,,否
            <script>x</script>,GD003,<i>一组</i>,车间,预备党员,,否,,否
            钱七,,<i>一组</i>,车间,入党积极分子,,否,,否
            """
        ),
        encoding="utf-8",
    )
    code, _, err = run(
        capsys, "--data", str(data), "import", str(roster), "--branch", '"A&B"<支部>'
    )
    assert code == 0, err
    out = tmp_path / "s.html"
    assert run(capsys, "--data", str(data), "badges", "--out", str(out))[0] == 0
    sheet = sheet_at(out)
    assert "<b>" not in sheet and "<i>" not in sheet and "<script" not in sheet.lower()
    assert "&lt;b&gt;王五&lt;/b&gt;" in sheet and "李&amp;四" in sheet
    assert "&lt;i&gt;一组&lt;/i&gt;" in sheet and "&quot;A&amp;B&quot;&lt;支部&gt;" in sheet
    # Three party members; the activist in the group gets no badge.
    assert [name for name, _ in cards(sheet)] == ["<b>王五</b>", "李&四", "<script>x</script>"]
    assert "钱七" not in sheet


# --------------------------------------------------------------------------
# Refusals: nothing issued, nothing written


def test_an_unknown_group_is_refused_and_nothing_is_written(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    before = snapshot(demo)
    code, out, err = run(capsys, "--data", str(demo), "badges", "--group", "g9")
    assert code == 2 and out == ""
    assert "g9" in err and all(g in err for g in ("g1", "g2", "g3", "g4"))
    assert not list(tmp_path.glob("*.html"))
    assert snapshot(demo) == before


def test_a_missing_output_folder_is_refused_before_any_badge_is_issued(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(demo)
    target = tmp_path / "no" / "such" / "s.html"
    code, _, err = run(capsys, "--data", str(demo), "badges", "--out", str(target))
    assert code == 2
    assert str(target.parent) in err and "没有制作任何胸卡" in err
    assert not target.parent.exists()
    assert snapshot(demo) == before  # no badge recorded, not even a signing key made
    assert FileRepository(demo, writable=False).badge_versions() == {}


def test_only_html_is_written(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(demo)
    code, _, err = run(capsys, "--data", str(demo), "badges", "--out", str(tmp_path / "b.pdf"))
    assert code == 2 and ".html" in err and "PDF" in err
    assert not (tmp_path / "b.pdf").exists() and snapshot(demo) == before


@pytest.mark.parametrize("who", ["p21", "p10", "nobody"])
def test_reissue_only_for_a_member_in_the_chosen_set(
    who: str, demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """p21 is a development target (no badge), p10 is in group 2, not 1."""
    before = snapshot(demo)
    out = tmp_path / "s.html"
    code, _, err = run(
        capsys, "--data", str(demo), "badges", "--group", "g1", "--reissue", who, "--out", str(out)
    )
    assert code == 2 and who in err
    assert not out.exists() and snapshot(demo) == before


# --------------------------------------------------------------------------
# Groups and people by name or id (rules.organisation.lookup)


def twin_zhang_wei(data: Path) -> None:
    """Two 张伟 in the demo: 孙丽 (p08, group 1) and 吴刚 (p11, group 2) renamed."""
    with FileRepository(data, writable=True) as repo:
        org = repo.organisation()
        assert org is not None
        people = tuple(replace(p, name="张伟") if p.id in ("p08", "p11") else p for p in org.people)
        repo.save_organisation(replace(org, people=people))


def test_badges_for_a_group_named_as_people_call_it(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    by_name = run(capsys, "--data", str(demo), "badges", "--group", "第二党小组")
    by_id = run(capsys, "--data", str(demo), "badges", "--group", "g2")
    assert by_name[0] == by_id[0] == 0
    sheets = sorted(tmp_path.glob("*.html"))
    assert [p.name for p in sheets] == ["xiaozu-badges-g2-20261126.html"]  # the same sheet
    assert "6 张胸卡" in by_name[1]


def test_a_badge_is_reissued_by_the_persons_name(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "--data", str(demo), "badges", "--group", "g1")[0] == 0
    code, out, err = run(capsys, "--data", str(demo), "badges", "--reissue", "孙丽")
    assert code == 0, err
    assert "补发(旧卡已失效):孙丽(p08,第2版)" in out
    assert FileRepository(demo, writable=False).badge_versions()["p08"] == 2


def test_a_shared_name_is_refused_with_both_ids_and_nothing_is_issued(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    twin_zhang_wei(demo)
    code, out, err = run(capsys, "--data", str(demo), "badges", "--reissue", "张伟")
    assert code == 2 and out == ""
    assert "有 2 人名叫“张伟”" in err and "编号" in err
    assert "p08  张伟  第一党小组 · 生产一车间" in err
    assert "p11  张伟  第二党小组 · 生产二车间" in err
    assert FileRepository(demo, writable=False).badge_versions() == {}
    assert not list(tmp_path.glob("*.html"))
    code, out, err = run(capsys, "--data", str(demo), "badges", "--reissue", "p11")
    assert code == 0 and "补发(旧卡已失效):张伟(p11,第1版)" in out


def test_an_unknown_name_lists_the_people(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "--data", str(demo), "--lang", "en", "badges", "--reissue", "孙立")
    assert code == 2
    assert "no one is called or has the id '孙立'" in err
    assert err.splitlines()[1].split()[:2] == ["p08", "孙丽"]  # the likeliest first


def test_an_empty_data_directory_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--data", str(tmp_path / "none"), "badges")
    assert code == 2 and "xiaozu import" in err and "xiaozu demo" in err


# --------------------------------------------------------------------------
# The module on its own


def test_the_matrix_matches_the_kiosks_qr_settings() -> None:
    from tui.widgets.qr import qr_matrix  # Textual is fine in a test

    for data in ("B1.p05.2.WSCNA5EKmjVE4NDO-knsIA", "hello"):
        assert badge_matrix(data) == qr_matrix(data)


def test_an_svg_code_decodes_and_an_inverted_one_does_not() -> None:
    data = "B1.p05.2.WSCNA5EKmjVE4NDO-knsIA"
    svg = qr_svg(data)
    (attrs, body), *_ = _SVG.findall(svg)
    image = raster(attrs, body)
    assert decode(image) == [data]
    inverted = memoryview(bytes(255 - v for v in image.tobytes())).cast("B", image.shape)
    assert decode(inverted) == []


def test_an_empty_sheet_is_still_a_page() -> None:
    from datetime import date

    from rules.models import Branch

    org = Organisation(branch=Branch(id="b", name="支部"))
    sheet = badge_sheet_html(org, [], "zh", date(2026, 11, 26))
    assert sheet.count('class="card"') == 0 and "</html>" in sheet


def test_the_command_line_starts_without_textual() -> None:
    probe = (
        "import sys, tui.cli, tui.badges\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'textual')\n"
        "print(loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert result.stdout.strip() == "[]"
