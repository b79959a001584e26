"""The one seam between xiaozu and the world it runs in.

The command line builds a ``KioskEnv`` from its arguments and the process
environment; tests build one by hand with a temporary data directory, a fixed
clock and a fixed language, so no test ever reads the real user's data.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TZ = "Asia/Shanghai"
LANGS = ("zh", "en")


def _system_clock(tz: ZoneInfo) -> Callable[[], datetime]:
    return lambda: datetime.now(tz)


@dataclass(frozen=True)
class KioskEnv:
    data_dir: Path
    lang: str = "zh"
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TZ))
    clock: Callable[[], datetime] | None = None
    idle_seconds: float = 300.0  # the kiosk locks itself after this long untouched
    # The phone sign-in page (tui.phone.server): where it listens (port None:
    # no phone sign-in at all; 0: any free port) and the address written into
    # the code (None: http://<detected address>:<port>).
    phone_bind: str = "0.0.0.0"
    phone_port: int | None = 8765
    phone_address: str | None = None

    def now(self) -> datetime:
        return (self.clock or _system_clock(self.tz))()

    def t(self, zh: str, en: str) -> str:
        """The text in the kiosk's language."""
        return en if self.lang == "en" else zh

    def date(self, day: date) -> str:
        """A date as people write it: 2026年11月26日, or 2026-11-26."""
        if self.lang == "en":
            return day.isoformat()
        return f"{day.year}年{day.month}月{day.day}日"


def time_zone(environ: Mapping[str, str]) -> ZoneInfo:
    """The kiosk's time zone: XIAOZU_TZ, by default Asia/Shanghai."""
    name = environ.get("XIAOZU_TZ", DEFAULT_TZ)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SystemExit(f"xiaozu: unknown time zone XIAOZU_TZ={name!r}") from exc


def clock_from(environ: Mapping[str, str], tz: ZoneInfo) -> Callable[[], datetime] | None:
    """A fixed clock from XIAOZU_NOW (ISO 8601), for demonstrations and
    reproducible runs; None means the system clock."""
    text = environ.get("XIAOZU_NOW")
    if not text:
        return None
    try:
        fixed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise SystemExit(f"xiaozu: XIAOZU_NOW is not an ISO 8601 time: {text!r}") from exc
    if fixed.tzinfo is None:
        fixed = fixed.replace(tzinfo=tz)
    return lambda: fixed


def idle_seconds_from(environ: Mapping[str, str]) -> float:
    """XIAOZU_IDLE_SECONDS: how long the unlocked kiosk waits untouched before
    it locks itself (default five minutes)."""
    text = environ.get("XIAOZU_IDLE_SECONDS", "300")
    try:
        seconds = float(text)
    except ValueError as exc:
        raise SystemExit(f"xiaozu: XIAOZU_IDLE_SECONDS is not a number: {text!r}") from exc
    if seconds <= 0:
        raise SystemExit("xiaozu: XIAOZU_IDLE_SECONDS must be more than 0")
    return seconds


def lang_from(value: str | None, environ: Mapping[str, str] = os.environ) -> str:
    lang = value or environ.get("XIAOZU_LANG") or "zh"
    return lang if lang in LANGS else "zh"


def phone_settings(
    environ: Mapping[str, str],
    bind: str | None = None,
    port: int | None = None,
    address: str | None = None,
) -> tuple[str, int | None, str | None]:
    """Where the phone page listens: --bind/--port/--address, else
    XIAOZU_BIND, XIAOZU_PORT ("off" for no phone sign-in), XIAOZU_ADDRESS."""
    bind = bind or environ.get("XIAOZU_BIND") or "0.0.0.0"
    address = address or environ.get("XIAOZU_ADDRESS") or None
    if address is not None and not address.lower().startswith(("http://", "https://")):
        raise SystemExit(f"xiaozu: the sign-in address must start with http:// : {address!r}")
    if port is not None:
        return bind, port, address
    text = environ.get("XIAOZU_PORT", "8765").strip()
    if text.lower() == "off":
        return bind, None, address
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise SystemExit(f"xiaozu: XIAOZU_PORT is not a port number (0-65535 or off): {text!r}")
    return bind, int(text), address
