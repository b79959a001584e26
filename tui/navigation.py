"""What the screens ask of the kiosk's app: open a screen, go home after an
unlock, lock. ``tui.app.XiaozuApp`` is a ``KioskApp``; a screen types its
``app`` as this class (``getters.app(KioskApp)``), so that no screen imports
the app module, which imports the screens."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.screen import Screen

from tui.core.kiosk import Kiosk

#: A screen of the kiosk, made from the kiosk and the screen's arguments
#: (a meeting's id, a year …): its class.
ScreenFactory = Callable[..., Screen[None]]


class KioskApp(App[None]):
    """The app the screens run in (its one implementation: ``XiaozuApp``)."""

    kiosk: Kiosk | None = None

    def open_screen(self, screen: ScreenFactory, *args: str) -> None:
        """Open one of the kiosk's screens, from home: ``open_screen(PlanScreen,
        meeting_id)``."""
        assert self.kiosk is not None
        self.push_screen(screen(self.kiosk, *args))

    def show_home(self) -> None:
        """After unlocking: the unlocked group's home screen."""
        raise NotImplementedError

    def lock(self) -> None:
        """Back to the lock screen; nothing of the session stays on screen."""
        raise NotImplementedError
