"""Signing in (SPEC §3) with the kiosk running as in the meeting room: the
leader opens the meeting, the code on screen is read back with a real QR
decoder, and a phone (an HTTP client with a cookie jar, as a browser keeps
cookies) opens the address in it — served by the kiosk's own loop. The
roster on screen changes without a key pressed. Every refusal is a page that
says what to do, and records nothing.
"""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
import yarl
from textual.pilot import Pilot

from rules.meeting import flow, signin
from rules.models import AttendanceStatus, RecordedBy
from rules.samples.demo import demo_branch
from storage import FileRepository
from tests.tui.conftest import NOW, SECRET_FILE, Clock, start_meeting, stored, unlocked
from tests.tui.test_meeting import G1_NEXT, HELD_AT, kiosk_of, message, rows
from tests.tui.test_qr import _cells_of_strips, _decode, _raster
from tui.app import REDRAW_SECONDS, XiaozuApp
from tui.screens.meeting import MeetingScreen
from tui.screens.signin_code import SigninCodeScreen
from tui.widgets.qr import QRCode
from tui.widgets.roster import Roster
from tui.widgets.signin_code import SigninCode

PINS = demo_branch(NOW).signin_pins
SECRET = bytes.fromhex(SECRET_FILE.split("\n")[1])
#: 第一党小组's members with a sign-in PIN in these tests, and their numbers.
MEMBER, OTHER = "p05", "p06"  # 陈秀英, 刘洋
NUMBER = {"p05": "DY3300105", "p06": "DY3300106", "p10": "DY3300110"}
G2_LEADER = "p10"  # 张海涛, of 第二党小组


@pytest.fixture
def signin_dir(demo_dir: Path) -> Path:
    with FileRepository(demo_dir) as repo:
        for person_id in (MEMBER, OTHER, G2_LEADER):
            repo.set_signin_pin(person_id, PINS[person_id])
    return demo_dir


@pytest.fixture
def app(make_kiosk_app: Callable[..., XiaozuApp], signin_dir: Path) -> XiaozuApp:
    # No fixed address: the code carries the server's real loopback address.
    return make_kiosk_app(phone_address=None)


@pytest.fixture
async def phone() -> AsyncIterator[aiohttp.ClientSession]:
    """A phone's browser: it keeps cookies, also for an IP address."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session


# -- helpers ------------------------------------------------------------------------


async def meeting_open(app: XiaozuApp, pilot: Pilot[None]) -> MeetingScreen:
    """The leader of 第一党小组 opens the meeting: step one, sign-in."""
    await unlocked(app, pilot)
    await pilot.press("m")
    await pilot.pause()
    await start_meeting(app, pilot)
    screen = app.screen
    assert isinstance(screen, MeetingScreen)
    assert app.phone is not None and app.phone.base is not None, "the page is not served"
    screen.query_one(SigninCode).update_code()
    await pilot.pause()
    return screen


def code_on_screen(app: XiaozuApp) -> str:
    """The code exactly as the screen draws it, read by a QR decoder."""
    widget = app.screen.query_one("#signin-qr", QRCode)
    width, height = widget.size
    assert width and height, "no code on screen"
    # All of it is on screen: nothing cropped, nothing covering it.
    assert app.screen.region.contains_region(widget.region)
    strips = [widget.render_line(y) for y in range(height)]
    found = _decode(_raster(_cells_of_strips(strips)))
    assert len(found) == 1
    return found[0]


def heading(page: str) -> str:
    found = re.search(r"<h2>(.*?)</h2>", page)
    assert found, page
    return found.group(1)


def form_error(page: str) -> str:
    found = re.search(r'class="error"[^>]*>(.*?)</p>', page)
    return found.group(1) if found else ""


def ticket_of(page: str) -> str:
    found = re.search(r'name="ticket" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def post_url(app: XiaozuApp) -> str:
    assert app.phone is not None and app.phone.port is not None
    return f"http://127.0.0.1:{app.phone.port}/S"


async def scan(phone: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with phone.get(url) as response:
        return response.status, await response.text()


async def send(
    phone: aiohttp.ClientSession, app: XiaozuApp, ticket: str, **fields: str
) -> tuple[int, str]:
    async with phone.post(post_url(app), data={"ticket": ticket, **fields}) as response:
        return response.status, await response.text()


async def sign_in_with_pin(
    phone: aiohttp.ClientSession, app: XiaozuApp, person_id: str, pin: str | None = None
) -> tuple[int, str]:
    status, page = await scan(phone, code_on_screen(app))
    assert status == 200, page
    return await send(
        phone,
        app,
        ticket_of(page),
        number=NUMBER[person_id],
        pin=PINS[person_id] if pin is None else pin,
    )


def roster_row(app: XiaozuApp, person_id: str) -> list[str]:
    roster = app.screen.query_one(Roster)
    index = [entry.person_id for entry in roster.entries].index(person_id)
    return rows(roster)[index]


def attendance(app: XiaozuApp) -> dict[str, tuple[AttendanceStatus, RecordedBy]]:
    meeting = kiosk_of(app).records.meeting(G1_NEXT)
    return {a.person_id: (a.status, a.recorded_by) for a in meeting.attendance}


def stored_attendance(data: Path) -> dict[str, tuple[AttendanceStatus, RecordedBy]]:
    with stored(data) as repo:
        meeting = repo.meeting(G1_NEXT)
    assert meeting is not None
    return {a.person_id: (a.status, a.recorded_by) for a in meeting.attendance}


# -- the whole walk -------------------------------------------------------------------


async def test_a_member_scans_the_screen_signs_in_and_the_roster_turns_present(
    app: XiaozuApp, phone: aiohttp.ClientSession, signin_dir: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await meeting_open(app, pilot)
        url = code_on_screen(app)
        assert url.startswith(f"HTTP://127.0.0.1:{app.phone.port}/S/")  # type: ignore[union-attr]
        assert roster_row(app, MEMBER)[2] == "未登记"

        status, page = await scan(phone, url)
        assert status == 200 and heading(page) == "签到"
        assert "党员编号" in page and 'type="password"' in page
        assert "<script" not in page and "http" not in page.split("<body>")[1].lower()
        # The page carries the real start (started a week early here), not the plan.
        assert "2026年11月26日 · 09:00 已开始" in page

        status, page = await send(
            phone, app, ticket_of(page), number=NUMBER[MEMBER], pin=PINS[MEMBER]
        )
        assert status == 200 and heading(page) == "签到成功"
        assert "陈秀英" in page and "出席" in page
        await pilot.pause()
        # No key was pressed: the roster shows it (at 80 columns the short
        # label; the line under the roster has it in full).
        row = roster_row(app, MEMBER)
        assert row[2] == "出席" and row[4] == "手机"
        assert "已到 1/7" in str(app.screen.query_one("#signin-hint").render())
        assert stored_attendance(signin_dir)[MEMBER] == (
            AttendanceStatus.PRESENT,
            RecordedBy.PHONE,
        )


async def test_the_phone_is_remembered_one_tap_and_a_new_pin_forgets_it(
    app: XiaozuApp, phone: aiohttp.ClientSession, clock: Clock
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await meeting_open(app, pilot)
        status, page = await sign_in_with_pin(phone, app, MEMBER)
        assert heading(page) == "签到成功"
        cookies = {c.key: c for c in phone.cookie_jar}
        cookie = cookies["xiaozu_phone"]
        assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
        assert PINS[MEMBER] not in cookie.value

        # Next scan: the phone knows who holds it.
        status, page = await scan(phone, code_on_screen(app))
        assert heading(page) == "陈秀英,您好" and 'id="one-tap"' in page
        status, page = await send(phone, app, ticket_of(page), remembered="1")
        assert status == 409 and heading(page) == "陈秀英已经签到"

        # The leader sets a new sign-in PIN: the phone no longer signs in alone.
        kiosk_of(app).credentials.set_signin_pin(MEMBER, "2468")
        await kiosk_of(app).writer.flush()
        status, page = await scan(phone, code_on_screen(app))
        assert heading(page) == "签到"


async def test_signing_in_after_the_planned_start_is_late(
    app: XiaozuApp, phone: aiohttp.ClientSession, clock: Clock
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await meeting_open(app, pilot)
        clock.now = HELD_AT + timedelta(minutes=7)
        app.screen.query_one(SigninCode).update_code()
        _status, page = await sign_in_with_pin(phone, app, MEMBER)
        assert heading(page) == "签到成功" and "迟到" in page
        await pilot.pause()
        assert roster_row(app, MEMBER)[2] == "迟到"
        assert attendance(app)[MEMBER] == (AttendanceStatus.LATE, RecordedBy.PHONE)


# -- refusals: a page that says what to do, and nothing recorded -------------------------


async def test_a_photo_of_the_code_expires_and_the_code_rotates(
    app: XiaozuApp, phone: aiohttp.ClientSession, clock: Clock
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await meeting_open(app, pilot)
        photo = code_on_screen(app)
        clock.now = NOW + timedelta(seconds=15)
        assert (await scan(phone, photo))[0] == 200  # the next window still takes it
        clock.now = NOW + timedelta(seconds=31)
        status, page = await scan(phone, photo)
        assert status == 410 and heading(page) == "二维码已过期"
        assert "本次没有记录任何签到" in page
        # The screen shows a new code by itself, and it works.
        await pilot.pause(1.2)
        fresh = code_on_screen(app)
        assert fresh != photo
        assert (await scan(phone, fresh))[0] == 200
        assert attendance(app) == {}


async def test_forged_and_other_meetings_codes_are_refused(
    app: XiaozuApp, phone: aiohttp.ClientSession
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await meeting_open(app, pilot)
        url = code_on_screen(app)
        base, _, token = url.rpartition("/")
        window, _, mac = token.partition(".")
        edited = mac[:-1] + ("A" if mac[-1] != "A" else "B")
        status, page = await scan(phone, f"{base}/{window}.{edited}")
        assert status == 403 and heading(page) == "这不是有效的签到二维码"
        status, page = await scan(phone, f"{base}/not-a-token")
        assert status == 403
        # A real code, made with this kiosk's key, of another group's meeting.
        other = signin.room_token(SECRET, "m-g2-2026-12", NOW)
        status, page = await scan(phone, f"{base}/{other}")
        assert status == 403 and heading(page) == "这是另一次会议的二维码"
        assert attendance(app) == {}


async def test_no_meeting_open_no_sign_in(app: XiaozuApp, phone: aiohttp.ClientSession) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(app, pilot)
        assert app.phone is not None and app.phone.port is not None
        token = signin.room_token(SECRET, G1_NEXT, NOW)
        status, page = await scan(phone, f"http://127.0.0.1:{app.phone.port}/S/{token}")
        assert status == 503 and heading(page) == "现在没有正在签到的会议"
        assert attendance(app) == {}


async def test_a_form_sent_twice_is_refused_and_recorded_once(
    app: XiaozuApp, phone: aiohttp.ClientSession
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await meeting_open(app, pilot)
        status, page = await scan(phone, code_on_screen(app))
        ticket = ticket_of(page)
        fields = {"number": NUMBER[MEMBER], "pin": PINS[MEMBER]}
        assert heading((await send(phone, app, ticket, **fields))[1]) == "签到成功"
        recorded = kiosk_of(app).records.meeting(G1_NEXT).attendance
        status, page = await send(phone, app, ticket, **fields)
        assert status == 409 and heading(page) == "这份表单已经提交过"
        assert kiosk_of(app).records.meeting(G1_NEXT).attendance == recorded


async def test_one_phone_signs_in_one_person(app: XiaozuApp, phone: aiohttp.ClientSession) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await meeting_open(app, pilot)
        assert heading((await sign_in_with_pin(phone, app, MEMBER))[1]) == "签到成功"
        status, page = await sign_in_with_pin(phone, app, OTHER)
        assert status == 409 and heading(page) == "这部手机已为他人签到"
        assert OTHER not in attendance(app)
        # On their own phone, they can.
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as own:
            assert heading((await sign_in_with_pin(own, app, OTHER))[1]) == "签到成功"


async def test_someone_of_another_group_is_refused(
    app: XiaozuApp, phone: aiohttp.ClientSession
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await meeting_open(app, pilot)
        status, page = await sign_in_with_pin(phone, app, G2_LEADER)
        assert status == 403 and heading(page) == "张海涛不是本次会议的党员"
        assert "列席人员由党小组长登记" in page
        assert attendance(app) == {}


async def test_a_phone_remembering_another_groups_member_is_offered_no_one_tap(
    app: XiaozuApp, phone: aiohttp.ClientSession
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await meeting_open(app, pilot)
        # The phone signed 张海涛 in at 第二党小组's meeting before: it remembers him.
        version = kiosk_of(app).credentials.signin_version(G2_LEADER)
        assert version is not None
        value = signin.phone_cookie(SECRET, signin.PhoneCookie("d" * 22, G2_LEADER, version))
        url = code_on_screen(app)
        phone.cookie_jar.update_cookies(
            {"xiaozu_phone": value}, yarl.URL(post_url(app)).with_path("/")
        )
        status, page = await scan(phone, url)
        assert status == 200 and heading(page) == "张海涛不是本次会议的党员"
        assert 'id="one-tap"' not in page and 'name="remembered"' not in page
        assert "列席人员由党小组长登记" in page
        # Whoever else holds the phone can still sign in with their own PIN.
        status, page = await send(
            phone, app, ticket_of(page), number=NUMBER[MEMBER], pin=PINS[MEMBER]
        )
        assert heading(page) == "签到成功"


async def test_a_browser_without_cookies_is_told_to_allow_them(
    app: XiaozuApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await meeting_open(app, pilot)
        jarless = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())
        async with jarless:
            status, page = await scan(jarless, code_on_screen(app))
            status, page = await send(
                jarless, app, ticket_of(page), number=NUMBER[MEMBER], pin=PINS[MEMBER]
            )
        assert status == 400 and heading(page) == "请允许此网页使用 Cookie"
        assert attendance(app) == {}


# -- wrong PINs: throttled per person and per kiosk ----------------------------------------


async def test_wrong_pins_lock_the_person_out_and_nothing_is_recorded(
    app: XiaozuApp, phone: aiohttp.ClientSession, signin_dir: Path
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await meeting_open(app, pilot)
        status, page = await sign_in_with_pin(phone, app, MEMBER, pin="0000")
        assert status == 200 and "还可以再试 4 次" in form_error(page)
        assert "0000" not in page  # a typed PIN is never sent back
        for _ in range(4):
            status, page = await send(
                phone, app, ticket_of(page), number=NUMBER[MEMBER], pin="0000"
            )
        assert "PIN 错误次数过多" in form_error(page)
        # Even the right PIN waits now.
        status, page = await send(
            phone, app, ticket_of(page), number=NUMBER[MEMBER], pin=PINS[MEMBER]
        )
        assert "PIN 错误次数过多" in form_error(page)
        assert attendance(app) == {}
        await kiosk_of(app).writer.flush()
    # The lockout is on disk: a restart does not forgive it.
    with stored(signin_dir) as repo:
        assert repo.signin_attempts(MEMBER).locked_until is not None
        assert repo.pin_attempts(MEMBER).locked_until is None  # unlock PINs apart


async def test_many_wrong_pins_at_the_kiosk_stop_all_pins_for_a_while(
    app: XiaozuApp, phone: aiohttp.ClientSession, clock: Clock
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await meeting_open(app, pilot)
        _status, page = await scan(phone, code_on_screen(app))
        # Someone tries one PIN on many member numbers.
        for number in range(signin.KIOSK_LIMIT):
            _status, page = await send(
                phone, app, ticket_of(page), number=f"DY99{number:05d}", pin="1234"
            )
        _status, page = await send(
            phone, app, ticket_of(page), number=NUMBER[MEMBER], pin=PINS[MEMBER]
        )
        assert "本终端刚才收到太多错误的 PIN" in form_error(page)
        assert attendance(app) == {}
        clock.now = NOW + signin.KIOSK_SPAN + timedelta(seconds=1)
        app.screen.query_one(SigninCode).update_code()
        _status, page = await sign_in_with_pin(phone, app, MEMBER)
        assert heading(page) == "签到成功"


# -- badges, and marking by hand -------------------------------------------------------------


async def test_a_badge_read_by_the_scanner_signs_in_and_a_revoked_one_does_not(
    app: XiaozuApp, signin_dir: Path
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await meeting_open(app, pilot)
        kiosk = kiosk_of(app)
        versions = kiosk.credentials.issue_badges([MEMBER, OTHER], reissue=False)
        await kiosk.writer.flush()
        old = signin.badge_token(SECRET, OTHER, versions[OTHER])
        kiosk.credentials.issue_badges([OTHER], reissue=True)
        await kiosk.writer.flush()

        # The scanner types the badge and Enter, fast, like a keyboard.
        await pilot.press(*signin.badge_token(SECRET, MEMBER, versions[MEMBER]), "enter")
        await pilot.pause()
        assert "陈秀英 刷胸卡签到" in message(app)
        assert roster_row(app, MEMBER)[4].startswith("胸卡扫码")

        await pilot.press(*old, "enter")
        await pilot.pause()
        assert "胸卡已作废" in message(app)
        await pilot.press(*("B1.p06.1." + "A" * 22), "enter")
        await pilot.pause()
        assert "不是本支部有效的胸卡" in message(app)
        assert OTHER not in attendance(app)
        # The letters of a badge never reached the roster's keys (p, l, v, a).
        assert set(attendance(app)) == {MEMBER}


async def test_the_leader_still_marks_by_hand_and_the_record_says_how(
    app: XiaozuApp, phone: aiohttp.ClientSession
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await meeting_open(app, pilot)
        await sign_in_with_pin(phone, app, MEMBER)
        await pilot.pause()
        roster = app.screen.query_one(Roster)
        roster.focus()
        target = [e.person_id for e in roster.entries].index(OTHER)
        roster.move_cursor(row=target)
        await pilot.press("p")
        await pilot.pause()
        assert attendance(app)[OTHER] == (AttendanceStatus.PRESENT, RecordedBy.LEADER)
        assert attendance(app)[MEMBER] == (AttendanceStatus.PRESENT, RecordedBy.PHONE)
        assert roster_row(app, OTHER)[4].startswith("组长登记")


# -- the code, large; a port in use; the log --------------------------------------------------


async def test_q_shows_the_code_large_and_it_still_scans(
    app: XiaozuApp, phone: aiohttp.ClientSession
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await meeting_open(app, pilot)
        small = app.screen.query_one("#signin-qr", QRCode).size
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, SigninCodeScreen)
        large = app.screen.query_one("#signin-qr", QRCode)
        assert large.scale == 2 and large.size.width == 2 * small.width
        url = code_on_screen(app)
        await sign_in_with_pin(phone, app, MEMBER)
        await pilot.pause()
        assert "已到 1/7:陈秀英" in str(app.screen.query_one("#code-count").render())
        assert (await scan(phone, url))[0] == 200
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)


async def test_a_port_in_use_is_explained_and_marking_by_hand_goes_on(
    make_kiosk_app: Callable[..., XiaozuApp], signin_dir: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        app = make_kiosk_app()
        app.env = app.env.__class__(**{**app.env.__dict__, "phone_port": port})
        async with app.run_test(size=(80, 24)) as pilot:
            await unlocked(app, pilot)
            await pilot.press("m")
            await pilot.pause()
            await start_meeting(app, pilot)
            code = app.screen.query_one(SigninCode)
            code.update_code()
            why = str(code.query_one("#signin-why").render())
            assert f"端口 {port} 已被其他程序占用" in why and "--port" in why
            assert app.screen.query_one("#signin-qr", QRCode).data == ""
            await pilot.press("p")
            await pilot.pause()
            assert attendance(app)  # the first row was marked by hand


async def test_the_server_logs_to_a_file_without_pins(
    app: XiaozuApp, phone: aiohttp.ClientSession, signin_dir: Path
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await meeting_open(app, pilot)
        await sign_in_with_pin(phone, app, MEMBER, pin="9876")
        await sign_in_with_pin(phone, app, MEMBER)
    log = (signin_dir / "logs" / "phone.log").read_text(encoding="utf-8")
    assert '"POST /S HTTP/1.1" 200' in log and "signed in p05" in log
    assert "9876" not in log and PINS[MEMBER] not in log and "xiaozu_phone" not in log
    # Its times are the kiosk's (Asia/Shanghai), with the offset, whatever
    # the process's own time zone, and about now.
    for line in log.splitlines():
        stamp = datetime.fromisoformat(line.split(" ")[0])
        assert stamp.utcoffset() == timedelta(hours=8), line
        assert abs(stamp - datetime.now(UTC)) < timedelta(minutes=10), line


async def test_the_page_speaks_english_when_the_kiosk_does(
    make_kiosk_app: Callable[..., XiaozuApp], signin_dir: Path, phone: aiohttp.ClientSession
) -> None:
    app = make_kiosk_app(lang="en", phone_address=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await meeting_open(app, pilot)
        _status, page = await scan(phone, code_on_screen(app))
        assert heading(page) == "Sign in" and '<html lang="en">' in page
        assert "Member number" in page and "党员编号" not in page
        _status, page = await send(
            phone, app, ticket_of(page), number=NUMBER[MEMBER].lower(), pin=PINS[MEMBER]
        )
        assert heading(page) == "Signed in" and "recorded as present" in page


async def test_damaged_stored_pin_attempts_refuse_with_a_page_and_tell_the_kiosk(
    make_kiosk_app: Callable[..., XiaozuApp], signin_dir: Path, phone: aiohttp.ClientSession
) -> None:
    import json

    org = signin_dir / "org.json"
    tables = json.loads(org.read_text(encoding="utf-8"))
    tables["signin_attempts"] = {"1": {"person_id": MEMBER, "failures": "many"}}
    org.write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")
    before = org.read_bytes()
    app = make_kiosk_app(phone_address=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await meeting_open(app, pilot)
        status, page = await sign_in_with_pin(phone, app, MEMBER)
        assert status == 503 and heading(page) == "签到暂不可用"
        assert "Traceback" not in page
        await pilot.pause()
        shown = " ".join(str(n.message) for n in app._notifications)
        assert "org.json" in shown
        assert attendance(app) == {}
    assert org.read_bytes() == before  # the damaged file is left as it was


async def test_a_room_signing_in_at_once_is_shown_together_and_none_is_left_out(
    app: XiaozuApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Phones signing in one right after another: the first shows at once,
    the rest together a moment later (one redraw, not one each), and the
    roster and its count end up with every one of them."""
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await meeting_open(app, pilot)
        kiosk = kiosk_of(app)
        redraws: list[int] = []
        draw = MeetingScreen.refresh_view

        def counted(self: MeetingScreen) -> None:
            redraws.append(len(self.meeting.attendance))
            draw(self)

        monkeypatch.setattr(MeetingScreen, "refresh_view", counted)
        members = [p.id for p in flow.expected_attendees(screen.meeting, kiosk.org)][:5]

        def signs_in(person_id: str) -> None:
            kiosk.sign_in(person_id, RecordedBy.PHONE, phone=f"phone-{person_id}")
            app.signed_in_by_phone(G1_NEXT)

        signs_in(members[0])
        await pilot.pause()
        assert roster_row(app, members[0])[2] == "出席"  # the first at once
        for person_id in members[1:]:
            signs_in(person_id)
        await pilot.pause()
        # The others came within moments of it: shown with the redraw due.
        assert roster_row(app, members[-1])[2] == "未登记"
        await pilot.pause(REDRAW_SECONDS + 0.1)
        await pilot.pause()
        assert all(roster_row(app, person_id)[2] == "出席" for person_id in members)
        assert f"已到 {len(members)}/" in str(app.screen.query_one("#signin-hint").render())
        assert redraws == [1, len(members)]
        # Only the cells that changed were redrawn: the table is as it would
        # be drawn whole.
        roster = app.screen.query_one(Roster)
        shown = rows(roster)
        roster._layout = None
        roster.show(roster.entries)
        assert rows(roster) == shown
