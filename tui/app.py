"""The kiosk application and its one factory, shared by the command line and
every test (STYLE: one app factory, one seam for the environment).

The screen stack: a lock screen at the bottom; unlocking pushes the home
screen of the unlocked group; every other screen is pushed from home and
closed with Escape. Locking (by hand, or after the idle time) pops back to the
lock screen, which shows nothing of the last user.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from storage import FileRepository, StorageError
from tui.core.env import KioskEnv
from tui.core.kiosk import Kiosk, Session
from tui.messages import RecordsChanged
from tui.navigation import KioskApp
from tui.screens.exit import ExitScreen, LeaveWithoutPinScreen
from tui.screens.lock import LockScreen
from tui.widgets.bindings import localise_bindings

if TYPE_CHECKING:
    from tui.phone.server import PhoneServer

#: Sign-ins by phone that follow one another within this many seconds are
#: shown together, in one redraw of the screen (``signed_in_by_phone``).
REDRAW_SECONDS = 0.25


class ProblemScreen(Screen[None]):
    """Shown instead of the kiosk when the data cannot be opened; nothing is
    unlocked, so leaving needs no PIN."""

    BINDINGS = [Binding("ctrl+q", "app.quit", "退出", id="quit-problem")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(self.text, id="problem")
        yield Footer()


class XiaozuApp(KioskApp):
    """小组: the meeting-room kiosk."""

    # The app-wide styles, and the lock screen's (which LockScreen lists as
    # well): read at start, so the first screen needs no second parse of the
    # stylesheet. Every other screen lists its own styles (its CSS_PATH, in
    # tui/screens/), which Textual reads when the screen is first opened.
    CSS_PATH = ["app.tcss", "screens/lock.tcss"]
    TITLE = "小组"
    ENABLE_COMMAND_PALETTE = False  # closed to members on the shared screen
    BINDINGS = [
        Binding("ctrl+q", "request_exit", "退出", id="exit", show=False, priority=True),
        Binding("ctrl+c", "request_exit", "退出", id="exit-c", show=False, priority=True),
        # Shown on every screen where there is a session to lock.
        Binding("ctrl+l", "lock", "锁定", id="lock"),
    ]

    def __init__(self, env: KioskEnv) -> None:
        super().__init__()
        self.env = env
        localise_bindings(self, env.lang, {"lock": "Lock", "exit": "Exit", "exit-c": "Exit"})
        self.kiosk: Kiosk | None = None
        # The phone sign-in page (None until started, or when turned off).
        self.phone: PhoneServer | None = None
        self._last_activity = time.monotonic()
        self._idle_session: Session | None = None  # whose idle time is counted
        # Phone sign-ins not yet shown (by meeting), the redraw due for them,
        # and when the last one was.
        self._signed_in: set[str] = set()
        self._redraw: Timer | None = None
        self._redrawn_at = -REDRAW_SECONDS

    # -- start ----------------------------------------------------------------

    def on_mount(self) -> None:
        self.title = self.env.t("小组 · 党小组会", "xiaozu · group meeting")
        self.load()

    @work(thread=True, exit_on_error=False, name="load")
    def load(self) -> Kiosk:
        repo = FileRepository(self.env.data_dir, writable=True).open()
        try:
            # The organisation only: enough for the lock screen, which is up
            # before the years of records are read (``load_records``).
            return Kiosk(self.env, repo, records=False)
        except BaseException:
            repo.close()
            raise

    async def _show_lock_screen(self, kiosk: Kiosk) -> None:
        await self.push_screen(LockScreen(kiosk))
        # Read the records once it is drawn.
        self.call_after_refresh(self.load_records, kiosk)

    @work(exit_on_error=False, name="records")
    async def load_records(self, kiosk: Kiosk) -> None:
        """The records, read on the kiosk's writer thread behind the lock
        screen (an unlock waits for them: ``Kiosk.wait_loaded``); then the
        phone page starts."""
        await asyncio.wrap_future(kiosk.load_records_later())
        if self.env.phone_port is not None:
            self.serve_phones(kiosk)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name not in ("load", "records"):
            return
        if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, Kiosk):
            self.kiosk = kiosk = event.worker.result
            self.kiosk.writer.on_error = self._write_failed
            self.call_next(self._show_lock_screen, kiosk)
            # Check often enough that a short idle time (tests) is kept.
            self.set_interval(max(0.05, min(1.0, self.env.idle_seconds / 4)), self._check_idle)
        elif event.state is WorkerState.ERROR:
            if self.kiosk is not None:  # the records could not be read
                self.kiosk.close()
                self.kiosk = None
            error = event.worker.error
            if isinstance(error, StorageError):
                text = error.message(self.env.lang)
            elif isinstance(error, LookupError):
                text = self.env.t(
                    "还没有数据:请先导入名册(xiaozu import 名册.csv)或生成演示数据"
                    "(xiaozu demo)。按 Ctrl+Q 退出。",
                    "No data yet: import a roster (xiaozu import roster.csv) or make the"
                    " demo (xiaozu demo). Press Ctrl+Q to leave.",
                )
            else:
                text = repr(error)
            self.push_screen(ProblemScreen(text))

    # -- the phone sign-in page ------------------------------------------------------

    @work(exclusive=True, exit_on_error=False, name="phone", group="phone")
    async def serve_phones(self, kiosk: Kiosk) -> None:
        """Start the sign-in page on this loop; it then serves in the
        background until the app ends. A port in use is reported on the
        sign-in screen (``phone.problem``); badges and marking by hand go on."""
        # Only here: the page's modules (Starlette, uvicorn, h11) are some 55 ms
        # of imports, which the lock screen does not wait for
        # (tests/test_import_hygiene.py).
        from tui.phone.server import PhoneServer, ServerProblem

        server = PhoneServer(kiosk, self.signed_in_by_phone)
        self.phone = server
        try:
            await server.start(
                self.env.phone_bind, self.env.phone_port or 0, self.env.phone_address
            )
        except Exception as error:  # never let the page take the kiosk down
            server.problem = ServerProblem(
                f"手机签到不可用:{error!r}", f"Phone sign-in is off: {error!r}"
            )

    def signed_in_by_phone(self, meeting_id: str) -> None:
        """A member signed in by phone: the roster shows it at once, and the
        kiosk counts it as use (it does not lock mid sign-in).

        A room of members signing in at once would have the screen (a
        roster of up to a few hundred, counts, the leader's report) drawn
        anew many times a second, each time keeping the phones' answers
        waiting; so the roster is redrawn at once for a sign-in, and for the
        ones that follow within REDRAW_SECONDS of that, once more when that
        time is up."""
        self.note_activity()
        self._signed_in.add(meeting_id)
        if self._redraw is not None:
            return  # a redraw is due: it shows this sign-in too
        wait = self._redrawn_at + REDRAW_SECONDS - time.monotonic()
        if wait <= 0:
            self._show_signins()
        else:
            self._redraw = self.set_timer(wait, self._show_signins, name="sign-ins")

    def _show_signins(self) -> None:
        self._redraw = None
        self._redrawn_at = time.monotonic()
        signed_in, self._signed_in = self._signed_in, set()
        for meeting_id in sorted(signed_in):
            self.screen.post_message(RecordsChanged(meeting_id))

    # -- navigation -------------------------------------------------------------

    def show_home(self) -> None:
        """After unlocking: the unlocked group's home screen."""
        # Only here: home imports every screen it opens, some 55 ms of imports
        # the lock screen does not wait for (tests/test_import_hygiene.py).
        from tui.screens.home import HomeScreen

        assert self.kiosk is not None
        self.push_screen(HomeScreen(self.kiosk))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "lock":  # nothing to lock on the lock screen itself
            return self.kiosk is not None and self.kiosk.session is not None
        return True

    def action_lock(self) -> None:
        self.lock()

    def lock(self) -> None:
        """Back to the lock screen; nothing of the session stays on screen."""
        if self.kiosk is None:
            return
        self.kiosk.end_session()
        self.kiosk.signin_meeting_id = None  # no sign-in behind a locked screen
        self.clear_notifications()  # a toast of the last session would stay up
        while len(self.screen_stack) > 1 and not isinstance(self.screen, LockScreen):
            self.pop_screen()
        if isinstance(self.screen, LockScreen):
            self.screen.reset()

    def action_request_exit(self) -> None:
        """Quitting the kiosk needs a leader's PIN; with nothing loaded, or
        nobody holding a PIN yet, it does not."""
        if self.kiosk is None or isinstance(self.screen, ProblemScreen):
            self.exit()
            return
        if isinstance(self.screen, ExitScreen | LeaveWithoutPinScreen):
            return
        if self.kiosk.session is None and not self.kiosk.credentials.unlockers():
            self.push_screen(LeaveWithoutPinScreen(self.kiosk))
        else:
            self.push_screen(ExitScreen(self.kiosk))

    # -- idle lock ----------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self._last_activity = time.monotonic()
        await super().on_event(event)

    def note_activity(self) -> None:
        """Something happened that should keep the kiosk unlocked, though no
        key was pressed (e.g. a member signed in by phone)."""
        self._last_activity = time.monotonic()

    def _check_idle(self) -> None:
        """Lock after ``idle_seconds`` untouched: an unlocked session, and also
        a lock screen left half-used (a name chosen, a PIN half typed, a
        message, a group choice or the exit dialog open)."""
        if self.kiosk is None:
            return
        session = self.kiosk.session
        if session is not self._idle_session:  # a session began: its idle time starts now
            self._idle_session = session
            self.note_activity()
            return
        if time.monotonic() - self._last_activity < self.env.idle_seconds:
            return
        at_rest = session is None and isinstance(self.screen, LockScreen) and self.screen.at_rest
        if not at_rest:
            self.lock()

    # -- writes that failed ---------------------------------------------------------

    def _write_failed(self, error: StorageError, meeting_id: str) -> None:
        """From the writer thread, usually; from this thread when a write
        failed before its callback was even registered."""
        try:
            self.call_from_thread(self.save_failed, error, meeting_id)
        except RuntimeError:  # already on the app's thread
            self.save_failed(error, meeting_id)

    def save_failed(self, error: StorageError, meeting_id: str) -> None:
        """A write did not reach the disk: say so, and show what is stored."""
        self.notify(error.message(self.env.lang), severity="error", timeout=30)
        if self.kiosk is not None:
            self.kiosk.reload()
            self.screen.post_message(RecordsChanged(meeting_id))

    async def on_unmount(self) -> None:
        if self.phone is not None:
            await self.phone.stop()
        if self.kiosk is not None:
            self.kiosk.close()


def make_app(env: KioskEnv) -> XiaozuApp:
    return XiaozuApp(env)
