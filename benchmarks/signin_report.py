"""The results of a sign-in run (``benchmarks.signin_http``,
``benchmarks.signin_room``): timings of each kind of request, each pass and
each sign-in pass judged against the static passes around it, and the table
that shows them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

#: The group whose members sign in.
GROUP = "g1"


@dataclass(frozen=True)
class Stats:
    """Timings of one kind of request, in milliseconds."""

    n: int
    p50_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Stats:
        if not seconds:
            return cls(0, 0.0, 0.0, 0.0, 0.0)
        ms = sorted(s * 1000 for s in seconds)
        return cls(
            n=len(ms),
            p50_ms=round(percentile(ms, 0.50), 3),
            p99_ms=round(percentile(ms, 0.99), 3),
            mean_ms=round(sum(ms) / len(ms), 3),
            max_ms=round(ms[-1], 3),
        )


def percentile(ordered: Sequence[float], q: float) -> float:
    """The ``q`` quantile of sorted values, linearly interpolated (numpy's
    default; ``statistics.quantiles(method="inclusive")``)."""
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b > 0 else None


@dataclass
class Sample:
    """One phone's walk in one pass. Times in seconds."""

    index: int
    ok: bool
    first_s: float = 0.0  # GET the code (or the static page, on a new connection)
    round_trip_s: float = 0.0  # POST the form (or the static page again)
    walk_s: float = 0.0  # both, from the first byte sent to the last read
    start_lag_s: float = 0.0  # how late the phone set off against its schedule
    end_s: float = 0.0  # when its walk was over, since the pass began
    problem: str = ""


@dataclass(frozen=True)
class PassResult:
    name: str
    phones: int
    answered: int  # walks that got the pages they expect
    wall_s: float  # from the first arrival to the last answer
    last_walk_s: float  # the walk of the phone that arrived last
    max_start_lag_ms: float
    first: Stats
    round_trip: Stats
    walk: Stats
    problems: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list, repr=False)

    @classmethod
    def of(cls, name: str, samples: Sequence[Sample]) -> PassResult:
        good = [s for s in samples if s.ok]
        return cls(
            name=name,
            phones=len(samples),
            answered=len(good),
            wall_s=round(max(s.end_s for s in samples), 3),
            last_walk_s=round(samples[-1].walk_s, 4),
            max_start_lag_ms=round(max(s.start_lag_s for s in samples) * 1000, 2),
            first=Stats.of([s.first_s for s in good]),
            round_trip=Stats.of([s.round_trip_s for s in good]),
            walk=Stats.of([s.walk_s for s in good]),
            problems=[s.problem for s in samples if not s.ok],
            samples=list(samples),
        )


@dataclass(frozen=True)
class SigninResult:
    run: PassResult
    meeting_id: str
    expected: int  # members the meeting expects (those it started with)
    recorded_kiosk: int  # of the phones' members: recorded as come, by phone
    recorded_disk: int
    all_recorded: bool
    n_in_seconds: bool  # all recorded, and over within seconds + the last walk
    baseline: str  # the static passes pooled as this pass's baseline
    baseline_round_trip: Stats
    baseline_walk: Stats
    ratios: dict[str, float | None]
    window_s: float = 0.0  # the arrival window of this pass
    syncs: int = 0  # fsync and fdatasync calls of the kiosk's process in the pass
    batches: int = 0  # journal appends (group commit: one sync each)

    @property
    def syncs_per_signin(self) -> float | None:
        return round(self.syncs / self.recorded_disk, 3) if self.recorded_disk else None


@dataclass(frozen=True)
class Report:
    members: int
    seconds: float
    setup_s: float
    pins_hashed: int
    scrypt: Stats  # one verify_signin_pin: an org.json read and one scrypt
    static: dict[str, PassResult]
    first_time: SigninResult
    one_tap: SigninResult
    one_tap_p99_within_3x: bool
    ok: bool  # every member recorded in both passes, in memory and on disk
    years: int | None = None  # the ten-year branch's years (None: the demo)
    pin_seconds: float | None = None  # the first-time pass's window (None: seconds)
    addresses: int = 1  # loopback addresses the phones come from
    burst: SigninResult | None = None  # one tap again, all within a moment

    def to_json(self) -> dict[str, Any]:
        def clean(value: Any) -> Any:
            if isinstance(value, dict):
                # Each phone's samples: too much for a summary.
                return {k: clean(v) for k, v in value.items() if k != "samples"}
            if isinstance(value, list):
                return [clean(v) for v in value]
            return value

        result: dict[str, Any] = clean(asdict(self))
        return result


def judge(
    run: PassResult,
    meeting_id: str,
    counts: tuple[int, int],
    on_disk: int,
    members: int,
    seconds: float,
    statics: Sequence[PassResult],
    writes: tuple[int, int] = (0, 0),
) -> SigninResult:
    expected, in_memory = counts
    every = expected == members and in_memory == members and on_disk == members
    baseline = [s for p in statics for s in p.samples if s.ok]
    base_rt = Stats.of([s.round_trip_s for s in baseline])
    base_walk = Stats.of([s.walk_s for s in baseline])
    return SigninResult(
        run=run,
        meeting_id=meeting_id,
        expected=expected,
        recorded_kiosk=in_memory,
        recorded_disk=on_disk,
        all_recorded=every,
        n_in_seconds=every and run.wall_s <= seconds + run.last_walk_s,
        baseline=" + ".join(p.name for p in statics),
        baseline_round_trip=base_rt,
        baseline_walk=base_walk,
        ratios={
            "round_trip_p50": ratio(run.round_trip.p50_ms, base_rt.p50_ms),
            "round_trip_p99": ratio(run.round_trip.p99_ms, base_rt.p99_ms),
            "walk_p50": ratio(run.walk.p50_ms, base_walk.p50_ms),
            "walk_p99": ratio(run.walk.p99_ms, base_walk.p99_ms),
        },
        window_s=seconds,
        syncs=writes[0],
        batches=writes[1],
    )


def _pair(stats: Stats) -> str:
    return f"{stats.p50_ms:8.2f} {stats.p99_ms:8.2f}"


def _times(value: float | None) -> str:
    return f"{value:.1f}x" if value is not None else "—"


def table(report: Report) -> str:
    spacing_ms = report.seconds / report.members * 1000
    data_name = "demo data" if report.years is None else f"{report.years} years of data"
    passes = [
        report.static["static before"],
        report.first_time.run,
        report.static["static between"],
        report.one_tap.run,
        report.static["static after"],
        *([report.burst.run] if report.burst is not None else []),
    ]
    pin_seconds = report.pin_seconds or report.seconds
    first_time = f" (first time: over {pin_seconds:g} s)" if pin_seconds != report.seconds else ""
    source = f", from {report.addresses} loopback addresses" if report.addresses > 1 else ""
    lines = [
        f"Sign-in over HTTP: {report.members} members of {GROUP}, one arriving every"
        f" {spacing_ms:.0f} ms over {report.seconds:g} s{first_time}{source}",
        f"set-up, not timed ({data_name}, {report.pins_hashed} PINs hashed):"
        f" {report.setup_s:.1f} s",
        f"one verify_signin_pin (org.json read, one scrypt): p50 {report.scrypt.p50_ms:.1f} ms,"
        f" max {report.scrypt.max_ms:.1f} ms ({report.scrypt.n} calls)",
        "",
        f"{'pass':<15} {'answered':>8} {'wall s':>7} {'lag ms':>7}"
        f"  {'first GET p50 p99':>17}  {'round trip p50 p99':>17}  {'walk p50 p99':>17}",
    ]
    for p in passes:
        lines.append(
            f"{p.name:<15} {f'{p.answered}/{p.phones}':>8} {p.wall_s:7.2f}"
            f" {p.max_start_lag_ms:7.1f}  {_pair(p.first)}  {_pair(p.round_trip)}  {_pair(p.walk)}"
        )
    lines += [
        "(times in ms; lag: the latest a phone set off against its schedule)",
        "",
        f"{'sign-in pass':<15} {'recorded mem/disk':>17} {'in window':>14}"
        f"  {'round trip ÷ static p50 p99':>27}  {'walk ÷ static p50 p99':>21}"
        f"  {'syncs/sign-in':>13}",
    ]
    signins = [report.first_time, report.one_tap, *([report.burst] if report.burst else [])]
    for s in signins:
        r = s.ratios
        recorded = f"{s.recorded_kiosk}/{s.recorded_disk} of {s.expected}"
        window = f"{'yes' if s.n_in_seconds else 'NO'} ({s.window_s:g} s)"
        per = f"{s.syncs_per_signin:.2f}" if s.syncs_per_signin is not None else "—"
        lines.append(
            f"{s.run.name:<15} {recorded:>17} {window:>14}"
            f"  {_times(r['round_trip_p50']):>13} {_times(r['round_trip_p99']):>13}"
            f"  {_times(r['walk_p50']):>10} {_times(r['walk_p99']):>10}"
            f"  {per:>13}"
        )
    lines += [
        "",
        "baselines: first time ÷ (static before + between); one tap ÷ (static between + after)",
        "first time includes one scrypt, by design; one tap is the like-for-like comparison",
        "aim, one-tap round trip p99 within 3x of the static page's:"
        f" {'met' if report.one_tap_p99_within_3x else 'NOT met'}",
    ]
    for p in passes:
        lines += [f"problem ({p.name}): {problem}" for problem in p.problems]
    for s in signins:
        if not s.all_recorded:
            lines.append(
                f"NOT EVERY MEMBER RECORDED ({s.run.name}): {report.members} phones, the"
                f" meeting expects {s.expected}, the kiosk holds {s.recorded_kiosk},"
                f" the disk {s.recorded_disk}"
            )
    return "\n".join(lines)
