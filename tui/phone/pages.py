"""The pages a member's phone sees: plain server-rendered HTML.

No script, no outside assets, no web fonts: the page works in WeChat's
built-in browser and any phone browser, on a 360-pixel-wide screen, on a
meeting room's network with no internet. Every text is escaped. Chinese
first; English when the kiosk runs in English.
"""

from __future__ import annotations

from dataclasses import dataclass

# What html.escape(text, quote=True) does, in one pass. Not html.escape
# itself: importing the html package loads html.entities, a table of 2,000
# named characters that escaping never uses (half a MiB in the kiosk, which
# serves these pages all day; issue 7's memory aim).
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def escape(text: str) -> str:
    """``text`` safe inside HTML text and quoted attribute values."""
    return text.translate(_ESCAPES)


_CSS = """
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",
"Noto Sans CJK SC",sans-serif;font-size:18px;line-height:1.5;color:#1a1a1a;background:#f6f2ee}
header{background:#b5121b;color:#fff;padding:14px 16px}
header h1{margin:0;font-size:20px;font-weight:600}
header p{margin:2px 0 0;font-size:15px;opacity:.9}
main{padding:16px;max-width:480px;margin:0 auto}
.card{background:#fff;border-radius:10px;padding:16px;margin:0 0 16px;
box-shadow:0 1px 3px rgba(0,0,0,.12)}
h2{font-size:22px;margin:0 0 8px}
label{display:block;font-weight:600;margin:12px 0 4px}
input[type=text],input[type=password]{width:100%;font-size:20px;padding:10px 12px;
border:1px solid #999;border-radius:8px;background:#fff}
button{width:100%;font-size:20px;padding:14px;margin-top:16px;border:0;border-radius:8px;
background:#b5121b;color:#fff;font-weight:600}
.ok h2{color:#1b7a34}.bad h2{color:#b5121b}
.error{color:#b5121b;font-weight:600}
.hint{color:#555;font-size:16px}
details{margin-top:8px}summary{color:#555;font-size:16px;padding:8px 0}
footer{color:#777;font-size:14px;text-align:center;padding:0 16px 24px}
"""


@dataclass(frozen=True)
class Texts:
    """The kiosk's language for one page."""

    lang: str

    def t(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh


def page(lang: str, title: str, body: str, *, subtitle: str = "") -> str:
    """A whole page around ``body`` (already HTML)."""
    tx = Texts(lang)
    head = escape(title)
    sub = f"<p>{escape(subtitle)}</p>" if subtitle else ""
    html_lang = "en" if lang == "en" else "zh-CN"
    app_name = tx.t("小组 · 党小组会签到", "xiaozu · group meeting sign-in")
    served = tx.t("本页由会议室的 xiaozu 终端提供", "Served by the xiaozu kiosk in this room")
    return (
        "<!doctype html>\n"
        f'<html lang="{html_lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{head}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{escape(app_name)}</h1>{sub}</header>"
        f"<main>{body}</main>"
        f"<footer>{escape(served)}</footer></body></html>"
    )


def _pin_form(lang: str, ticket: str, number: str = "", error: str = "") -> str:
    tx = Texts(lang)
    err = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    who_sets = tx.t(
        "签到 PIN 由党小组长或支部书记设置。",
        "Your group leader or branch secretary sets your sign-in PIN.",
    )
    return (
        f'<form method="post" action="/S" autocomplete="off">{err}'
        f'<input type="hidden" name="ticket" value="{escape(ticket)}">'
        f'<label for="number">{escape(tx.t("党员编号", "Member number"))}</label>'
        f'<input type="text" id="number" name="number" value="{escape(number)}" '
        'autocapitalize="characters" spellcheck="false" maxlength="40" required>'
        f'<label for="pin">{escape(tx.t("签到 PIN", "Sign-in PIN"))}</label>'
        '<input type="password" id="pin" name="pin" inputmode="numeric" maxlength="40" required>'
        f'<button type="submit">{escape(tx.t("签到", "Sign in"))}</button>'
        f'<p class="hint">{escape(who_sets)}</p>'
        "</form>"
    )


def signin_form(lang: str, meeting: str, ticket: str, *, number: str = "", error: str = "") -> str:
    """First time on this phone: member number and sign-in PIN."""
    tx = Texts(lang)
    first = tx.t(
        "第一次在这部手机上签到:请输入党员编号和签到 PIN。以后这部手机会记住您,只需点一下。",
        "First time on this phone: enter your member number and sign-in PIN."
        " Next time this phone remembers you: one tap.",
    )
    body = (
        '<section class="card">'
        f"<h2>{escape(tx.t('签到', 'Sign in'))}</h2>"
        f'<p class="hint">{escape(first)}</p>'
        f"{_pin_form(lang, ticket, number, error)}</section>"
    )
    return page(lang, tx.t("签到", "Sign in"), body, subtitle=meeting)


def one_tap(lang: str, meeting: str, ticket: str, name: str) -> str:
    """A phone that remembers its member: one tap, or someone else's PIN."""
    tx = Texts(lang)
    tap = tx.t(f"我是{name},签到", f"I am {name}: sign in")
    other = tx.t(
        f"不是{name}?用党员编号和 PIN 签到", f"Not {name}? Sign in with a member number and PIN"
    )
    body = (
        '<section class="card">'
        f"<h2>{escape(tx.t(f'{name},您好', f'Hello, {name}'))}</h2>"
        '<form method="post" action="/S">'
        f'<input type="hidden" name="ticket" value="{escape(ticket)}">'
        '<input type="hidden" name="remembered" value="1">'
        f'<button type="submit" id="one-tap">{escape(tap)}</button>'
        "</form>"
        f"<details><summary>{escape(other)}</summary>"
        f"{_pin_form(lang, ticket)}</details></section>"
    )
    return page(lang, tx.t("签到", "Sign in"), body, subtitle=meeting)


def not_member_here(lang: str, meeting: str, ticket: str, name: str) -> str:
    """A phone that remembers a member who is not expected at this meeting
    (another group's): no one-tap button that could only fail; the PIN form
    for whoever else holds the phone."""
    tx = Texts(lang)
    why = tx.t(
        f"这部手机记住的是{name},但{name}不是本次会议的党员:只有本小组的党员用手机签到,"
        "列席人员由党小组长登记。",
        f"This phone remembers {name}, who is not a member at this meeting: only the group's"
        " party members sign in by phone; guests are marked by the leader.",
    )
    other = tx.t(
        f"不是{name}?用党员编号和 PIN 签到", f"Not {name}? Sign in with a member number and PIN"
    )
    body = (
        '<section class="card bad">'
        f"<h2>{escape(tx.t(f'{name}不是本次会议的党员', f'{name} is not a member here'))}</h2>"
        f"<p>{escape(why)}</p>"
        f"<details><summary>{escape(other)}</summary>"
        f"{_pin_form(lang, ticket)}</details></section>"
    )
    return page(lang, tx.t("签到", "Sign in"), body, subtitle=meeting)


def signed_in(lang: str, meeting: str, name: str, status: str, at: str) -> str:
    tx = Texts(lang)
    when = tx.t(f"{at} 签到,记为{status}。", f"Signed in at {at}, recorded as {status}.")
    updated = tx.t(
        "会议室屏幕上的名单已更新。", "The roster on the meeting-room screen has been updated."
    )
    body = (
        '<section class="card ok">'
        f"<h2>{escape(tx.t('签到成功', 'Signed in'))}</h2>"
        f'<p id="who">{escape(name)}</p>'
        f"<p>{escape(when)}</p>"
        f'<p class="hint">{escape(updated)}</p>'
        "</section>"
    )
    return page(lang, tx.t("签到成功", "Signed in"), body, subtitle=meeting)


def refused(lang: str, title: str, text: str, *, meeting: str = "") -> str:
    """A refusal: what happened and what to do. Nothing was recorded."""
    tx = Texts(lang)
    body = (
        '<section class="card bad">'
        f"<h2>{escape(title)}</h2><p>{escape(text)}</p>"
        f'<p class="hint">{escape(tx.t("本次没有记录任何签到。", "Nothing was recorded."))}</p>'
        "</section>"
    )
    return page(lang, title, body, subtitle=meeting)


def about(lang: str) -> str:
    """The server's plain front page."""
    tx = Texts(lang)
    how = tx.t(
        "请用手机相机或微信扫描会议室屏幕上的二维码签到。",
        "Scan the code on the meeting-room screen with your phone camera or WeChat to sign in.",
    )
    body = (
        '<section class="card">'
        f"<h2>{escape(tx.t('扫码签到', 'Scan to sign in'))}</h2>"
        f"<p>{escape(how)}</p>"
        "</section>"
    )
    return page(lang, tx.t("扫码签到", "Scan to sign in"), body)
