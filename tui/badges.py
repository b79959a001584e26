"""The printable sheet of members' badges (SPEC §3, the scanner fallback).

Each party member may carry a personal badge: a card with a QR code holding
their badge token (``rules.meeting.signin.badge_token``), which a USB scanner at the
kiosk reads like a keyboard. ``xiaozu badges`` issues the badges and writes
this sheet; a lost badge is revoked by reissuing it (a new version).

The sheet is one self-contained HTML page, made to be printed on A4 from any
browser (or saved as PDF from its print dialogue): no script, no fonts,
pictures or styles from elsewhere. Cards are 85 x 54 mm (a bank card), two
across, and never split over a page. The code is an inline SVG of the module
matrix, black on white with a four-module quiet zone, 32 mm wide as printed.

Pure of Textual (the command line must start without it): the matrix is made
here with ``qrcode`` directly, with the settings of ``tui.widgets.qr``
(error correction M, border 4).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

import qrcode
import qrcode.constants

from rules.models import Organisation, Person

#: Modules of light margin around the code (the QR standard asks for 4).
QUIET_ZONE = 4
#: The printed width (and height) of a code, quiet zone included.
QR_MM = 32

#: One card: the person, their badge token and its version.
Badge = tuple[Person, str, int]


def badge_matrix(data: str) -> list[list[bool]]:
    """The modules of the smallest code (error correction M) holding
    ``data``, True for dark, quiet zone included (as ``tui.widgets.qr``)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return [[bool(module) for module in row] for row in code.get_matrix()]


def qr_svg(data: str, size_mm: int = QR_MM) -> str:
    """An inline SVG of the code: one white rectangle for the whole code and
    one path of dark modules, each run of dark modules in a row a rectangle
    ``M x y h n v 1 h -n z`` in module units."""
    matrix = badge_matrix(data)
    n = len(matrix)
    runs: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < n:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < n and row[x]:
                x += 1
            runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    return (
        f'<svg class="qr" viewBox="0 0 {n} {n}" width="{size_mm}mm" height="{size_mm}mm"'
        ' shape-rendering="crispEdges" role="img" aria-hidden="true">'
        f'<rect x="0" y="0" width="{n}" height="{n}" fill="#ffffff"/>'
        f'<path fill="#000000" d="{"".join(runs)}"/>'
        "</svg>"
    )


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def _day(lang: str, day: date) -> str:
    return day.isoformat() if lang == "en" else f"{day.year}年{day.month}月{day.day}日"


_CSS = """
@page { size: A4; margin: 8mm 10mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  margin: 0; color: #000; background: #fff;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
    "Microsoft YaHei", "SimHei", sans-serif;
}
header { width: 176mm; margin: 0 0 5mm; font-size: 9pt; line-height: 1.45; }
header h1 { font-size: 13pt; margin: 0 0 1.5mm; }
header p { margin: 0 0 1mm; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; }
.sheet {
  display: grid; grid-template-columns: repeat(2, 85mm); grid-auto-rows: 54mm;
  gap: 2mm 6mm;
}
.card {
  width: 85mm; height: 54mm; overflow: hidden;
  display: flex; align-items: center; gap: 2mm; padding: 3mm 3mm 3mm 2mm;
  border: 0.3mm dashed #888; border-radius: 3mm;
  break-inside: avoid; page-break-inside: avoid;
}
.qr { flex: none; display: block; }
.who { flex: 1; min-width: 0; font-size: 7.5pt; line-height: 1.35; }
.who .org { margin: 0 0 2mm; }
.who .name { font-size: 16pt; font-weight: bold; margin: 0 0 1.5mm; overflow-wrap: anywhere; }
.who p { margin: 0 0 0.8mm; overflow-wrap: anywhere; }
.who .own { margin-top: 2mm; font-size: 7pt; }
@media screen { body { padding: 10mm; } }
"""


def _card(org: Organisation, badge: Badge, lang: str, issued_on: date) -> str:
    person, token, version = badge
    group = org.group(person.group_id) if person.group_id else None
    group_name = group.name if group is not None else ""
    version_line = _t(
        lang,
        f"胸卡 第{version}版 · 签发 {_day(lang, issued_on)}",
        f"Badge version {version} · issued {_day(lang, issued_on)}",
    )
    return (
        '<div class="card">'
        f"{qr_svg(token)}"
        '<div class="who">'
        f'<p class="org">{escape(org.branch.name)}<br>{escape(group_name)}</p>'
        f'<p class="name">{escape(person.name)}</p>'
        f"<p>{escape(_t(lang, '党员编号', 'Member no.'))} {escape(person.member_no or '—')}</p>"
        f"<p>{escape(version_line)}</p>"
        f'<p class="own">{escape(_t(lang, "限本人签到使用", "For its holder only"))}'
        f" · ID {escape(person.id)}</p>"
        "</div></div>"
    )


def badge_sheet_html(org: Organisation, badges: Sequence[Badge], lang: str, issued_on: date) -> str:
    """The whole printable page, one card per badge, in the given order."""
    title = _t(lang, f"{org.branch.name} 党员签到胸卡", f"{org.branch.name}: member badges")
    note = _t(
        lang,
        "胸卡上的二维码是本人的签到凭证:在会场把它对准签到终端的扫码枪即可签到。"
        "请妥善保管,不要转借他人,也不要拍照外传。",
        "The code on a badge is its holder's own sign-in credential: hold it to the"
        " kiosk's scanner in the meeting room to sign in. Keep it to yourself; do not"
        " lend it or share a photo of it.",
    )
    lost = _t(
        lang,
        "胸卡遗失或外泄时,请告诉支部,由支部运行 <code>xiaozu badges --reissue ID</code>"
        "(ID 印在卡上)重新制作:新卡一制作,旧卡即失效。",
        "If a badge is lost or copied, tell the branch: it runs"
        " <code>xiaozu badges --reissue ID</code> (the ID is on the card) to make a new"
        " one, and the old badge stops working at once.",
    )
    cards = "".join(_card(org, badge, lang, issued_on) for badge in badges)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"en" if lang == "en" else "zh-CN"}">\n'
        '<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n"
        f"<style>{_CSS}</style>\n"
        "</head>\n<body>\n"
        f"<header><h1>{escape(title)}</h1>"
        f"<p>{escape(note)}</p><p>{lost}</p></header>\n"
        f'<main class="sheet">{cards}</main>\n'
        "</body>\n</html>\n"
    )
