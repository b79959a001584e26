"""Signing in from a real phone browser (issue 4): headless Chromium (Debian's
package, installed by scripts/browser) in a phone-sized window, as WeChat's
built-in browser, opens the address read back from the code the kiosk draws,
signs in with the member number and sign-in PIN, and the Pilot-driven kiosk
shows the member present without a key pressed. At the next meeting the same
browser, which kept its cookie, signs in with one tap.

Selenium blocks, and the page server runs in the kiosk's own loop: every
browser step runs in a thread while the test's coroutine keeps the loop free.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from rules.meeting import flow
from rules.models import AttendanceStatus, RecordedBy
from tests.tui.conftest import TZ, Clock, start_meeting, stored
from tests.tui.test_meeting import G1_NEXT, kiosk_of

# test_signin's fixtures too: the members' sign-in PINs on disk (signin_dir),
# and a kiosk whose code carries the server's real loopback address (app).
from tests.tui.test_signin import (
    MEMBER,
    NUMBER,
    PINS,
    app,  # noqa: F401
    code_on_screen,
    meeting_open,
    roster_row,
    signin_dir,  # noqa: F401
    stored_attendance,
)
from tui.app import XiaozuApp
from tui.screens.meeting import MeetingScreen
from tui.widgets.signin_code import SigninCode

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WIDTH, HEIGHT = 360, 740
#: WeChat's built-in browser on an Android phone.
WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36"
    " (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065"
    " MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64"
    " Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)

# Fuzz, kill, browser and benchmark tests: the slow tier (README's test command runs it).
pytestmark = pytest.mark.slow
WAIT = 15.0  # seconds a page may take, at most
#: The next meeting of 第一党小组, two weeks after December's.
NEXT_DAY = date(2026, 12, 17)
NEXT_OPENS = datetime.combine(NEXT_DAY, time(14, 10), TZ)  # before its 14:30 start


# -- the browser ----------------------------------------------------------------------


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    """Headless Chromium as a phone: 360×740 CSS pixels, WeChat's user agent,
    its own fresh profile (the cookie jar a phone keeps between meetings)."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(
            f"Chromium is not installed (missing {', '.join(missing)}): run `bash scripts/browser`"
            " (as root: apt-get install chromium chromium-driver), or scripts/test, which does.",
            pytrace=False,
        )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--no-proxy-server",
        "--password-store=basic",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        f"--window-size={WIDTH},{HEIGHT}",
    ):
        options.add_argument(argument)
    options.add_experimental_option(
        "mobileEmulation",
        {
            "deviceMetrics": {"width": WIDTH, "height": HEIGHT, "pixelRatio": 3.0},
            "userAgent": WECHAT_UA,
        },
    )
    # No "save this password?" bubble over the page.
    options.add_experimental_option(
        "prefs",
        {
            "credentials_enable_service": False,
            "profile.password_manager_enabled": False,
            "profile.password_manager_leak_detection": False,
        },
    )
    # An explicit driver: Selenium Manager never downloads anything.
    service = Service(executable_path=str(CHROMEDRIVER), log_output=str(tmp_path / "driver.log"))
    try:
        driver = webdriver.Chrome(service=service, options=options)
    except WebDriverException as error:
        log = tmp_path / "driver.log"
        pytest.fail(
            f"Chromium did not start: {error.msg}\n"
            + (log.read_text(errors="replace")[-2000:] if log.exists() else ""),
            pytrace=False,
        )
    try:
        driver.set_page_load_timeout(WAIT)
        yield driver
    finally:
        driver.quit()


@dataclass(frozen=True)
class Fit:
    """How the form page lies on the phone's screen, in CSS pixels."""

    user_agent: str
    viewport: int
    scroll_width: int
    number_height: float
    pin_height: float
    button_height: float


def heading_of(driver: WebDriver) -> str:
    return str(driver.find_element(By.TAG_NAME, "h2").text)


def gone(element: WebElement) -> bool:
    """The element left the page (the next page replaced it). Selenium's
    ``staleness_of`` expects a stale-element error only; Chromium 156.0.8078.108
    may instead answer, while the old page is being torn down, that the node
    "does not belong to the document", which means the same."""
    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error.msg):
            return True
        raise
    return False


def submit_and_wait(driver: WebDriver, button: str) -> str:
    """Tap ``button`` and wait for the next page; its heading."""
    old = driver.find_element(By.TAG_NAME, "h2")
    driver.find_element(By.CSS_SELECTOR, button).click()
    wait = WebDriverWait(driver, WAIT)
    wait.until(lambda _driver: gone(old))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
    return heading_of(driver)


def sign_in_with_pin(
    driver: WebDriver, url: str, number: str, pin: str, shot: Path
) -> tuple[str, str, Fit]:
    """Open the code's address, measure the form, type number and PIN, tap 签到."""
    driver.get(url)
    assert heading_of(driver) == "签到", driver.page_source
    fit = Fit(
        user_agent=str(driver.execute_script("return navigator.userAgent")),
        viewport=int(driver.execute_script("return window.innerWidth")),
        scroll_width=int(driver.execute_script("return document.documentElement.scrollWidth")),
        number_height=float(driver.find_element(By.ID, "number").rect["height"]),
        pin_height=float(driver.find_element(By.ID, "pin").rect["height"]),
        button_height=float(
            driver.find_element(By.CSS_SELECTOR, "button[type=submit]").rect["height"]
        ),
    )
    driver.find_element(By.ID, "number").send_keys(number)
    driver.find_element(By.ID, "pin").send_keys(pin)
    driver.save_screenshot(str(shot))
    title = submit_and_wait(driver, "button[type=submit]")
    return title, str(driver.find_element(By.TAG_NAME, "body").text), fit


@dataclass(frozen=True)
class OneTap:
    heading: str
    button: str
    pin_shown: bool
    after: str
    page: str


def sign_in_with_one_tap(driver: WebDriver, url: str, shot: Path) -> OneTap:
    """Open the code's address: the phone remembers its member; one tap."""
    driver.get(url)
    driver.save_screenshot(str(shot))
    heading = heading_of(driver)
    button = driver.find_element(By.ID, "one-tap")
    text = str(button.text)
    pin_shown = driver.find_element(By.ID, "pin").is_displayed()
    after = submit_and_wait(driver, "#one-tap")
    return OneTap(
        heading, text, pin_shown, after, str(driver.find_element(By.TAG_NAME, "body").text)
    )


# -- the walk --------------------------------------------------------------------------


async def test_a_phone_browser_signs_in_with_the_pin_then_next_meeting_with_one_tap(
    app: XiaozuApp,  # noqa: F811
    signin_dir: Path,  # noqa: F811
    browser: WebDriver,
    clock: Clock,
    tmp_path: Path,
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await meeting_open(app, pilot)
        assert roster_row(app, MEMBER)[2] == "未登记"
        url = code_on_screen(app)

        shot = tmp_path / "phone-form.png"
        title, page, fit = await asyncio.to_thread(
            sign_in_with_pin, browser, url, NUMBER[MEMBER], PINS[MEMBER], shot
        )
        assert title == "签到成功", page
        assert "陈秀英" in page and "出席" in page
        # The page fits the phone: no sideways scrolling, fields a thumb can hit.
        assert "MicroMessenger" in fit.user_agent and fit.viewport == WIDTH
        assert fit.scroll_width <= WIDTH, fit
        assert min(fit.number_height, fit.pin_height, fit.button_height) >= 40, fit
        assert shot.stat().st_size > 0
        done = tmp_path / "phone-signed-in.png"
        await asyncio.to_thread(browser.save_screenshot, str(done))
        assert done.stat().st_size > 0

        # No key was pressed: the roster on the kiosk shows it, and it is on disk.
        await pilot.pause()
        row = roster_row(app, MEMBER)
        # (at 100 columns the short label; the line under the roster has it in full)
        assert row[2] == "出席" and row[4] == "手机", row
        assert stored_attendance(signin_dir)[MEMBER] == (
            AttendanceStatus.PRESENT,
            RecordedBy.PHONE,
        )

        # Two weeks later: the leader opens the group's next meeting.
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, MeetingScreen)
        clock.now = NEXT_OPENS
        kiosk = kiosk_of(app)
        december = kiosk.records.meeting(G1_NEXT)
        following = kiosk.new_meeting(NEXT_DAY)
        kiosk.save_meeting(
            flow.plan(following, place=december.place, recorder_id=december.recorder_id)
        )
        app.open_screen(MeetingScreen, following.id)
        await pilot.pause()
        await start_meeting(app, pilot)
        assert isinstance(app.screen, MeetingScreen) and app.screen.meeting_id == following.id
        app.screen.query_one(SigninCode).update_code()
        await pilot.pause()
        assert roster_row(app, MEMBER)[2] == "未登记"
        second = code_on_screen(app)
        assert second != url

        # The same browser: it remembers its member. One tap, no PIN typed.
        shot = tmp_path / "phone-one-tap.png"
        tap = await asyncio.to_thread(sign_in_with_one_tap, browser, second, shot)
        assert shot.stat().st_size > 0
        assert tap.heading == "陈秀英,您好", tap
        assert "陈秀英" in tap.button
        assert not tap.pin_shown  # the PIN form is folded away
        assert tap.after == "签到成功", tap.page
        assert "陈秀英" in tap.page and "出席" in tap.page
        assert "2026年12月17日" in tap.page  # the next meeting's page, not December's

        await pilot.pause()
        row = roster_row(app, MEMBER)
        # (at 100 columns the short label; the line under the roster has it in full)
        assert row[2] == "出席" and row[4] == "手机", row
        with stored(signin_dir) as repo:
            on_disk = repo.meeting(following.id)
        assert on_disk is not None
        record = on_disk.attendance_of(MEMBER)
        assert record is not None
        assert (record.status, record.recorded_by) == (
            AttendanceStatus.PRESENT,
            RecordedBy.PHONE,
        )
