"""The kiosk application and its one factory, shared by the command line and
every test (STYLE: one app factory, one seam for the environment)."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from tui.env import KioskEnv
from tui.screens.overview import OverviewScreen


class XiaozuApp(App[None]):
    """小组 kiosk. Screens for the meeting itself come with the kiosk issue;
    for now it opens on the branch overview and its findings."""

    CSS_PATH = "xiaozu.tcss"
    TITLE = "小组"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+q", "quit", "退出", id="quit", show=False)]

    def __init__(self, env: KioskEnv) -> None:
        super().__init__()
        self.env = env

    def on_mount(self) -> None:
        self.title = self.env.t("小组 · 党小组会", "xiaozu · group meeting")
        self.push_screen(OverviewScreen(self.env))


def make_app(env: KioskEnv) -> XiaozuApp:
    return XiaozuApp(env)
