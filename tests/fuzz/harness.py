"""Run one hostile frame through a decoder and judge the outcome.

The only outcomes allowed: events on the feed whose values are sane (finite prices above 1.0,
text where text belongs), or the skip-and-count path (`reporter.rejected`, a FrameRejected with a
short printable reason). An exception that escapes is a crash, recorded by its signature
(type and the innermost oddstui function) so that each distinct crash is listed once; with
FUZZ_DISCOVER=1 the fuzzing goes on past crashes, to list them all.
"""

from __future__ import annotations

import asyncio
import math
import os
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from oddstui.config import ProviderSettings
from oddstui.model import (
    Event,
    FixtureChanged,
    FixtureUpserted,
    FrameRejected,
    QuotesLocked,
    QuotesPosted,
    QuotesSettled,
    ScoreUpdated,
)
from oddstui.providers.feed import Feed
from oddstui.secret import Secret

CASES: Counter[str] = Counter()
"""Frames tried per decoder, for the closing summary."""
CRASHES: defaultdict[str, Counter[str]] = defaultdict(Counter)
"""Distinct crash signatures per decoder, with how many cases hit each."""
DISCOVER = os.environ.get("FUZZ_DISCOVER") == "1"
"""Set FUZZ_DISCOVER=1 to list every crash signature instead of failing at the first new one."""


class SpyFeed(Feed):
    """A Feed that also keeps every event put on it."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[Any] = []

    def put(self, event: Event, data: bool = True) -> None:
        self.seen.append(event)
        super().put(event, data)


def provider_settings(name: str) -> ProviderSettings:
    return ProviderSettings(
        name, Secret(f"fuzz-{name}-key-0123456789"), "http://127.0.0.1:9/api", "ws://127.0.0.1:9/ws"
    )


def signature(exc: BaseException) -> str:
    """`TypeError in _event`: the exception type and the innermost function of oddstui that raised it."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/oddstui/" in f.filename.replace("\\", "/")]
    where = frames[-1].name if frames else "?"
    return f"{type(exc).__name__} in {where}"


def insane(event: Any) -> str | None:
    """Why an event carries a value the store or the screen could not use; None if it is sane."""
    if isinstance(event, QuotesPosted | QuotesLocked):
        for quote in event.quotes:
            problem = _quote_problem(quote)
            if problem:
                return problem
    elif isinstance(event, FixtureUpserted):
        fixture = event.fixture
        if not all(isinstance(v, str) for v in (fixture.fixture_id, fixture.home, fixture.away, fixture.league)):
            return "fixture: a name or id that is not text"
        if not _finite(fixture.start):
            return "fixture: start time not a finite number"
    elif isinstance(event, FixtureChanged):
        change = event.change
        if not isinstance(change.fixture_id, str):
            return "fixture change: id not text"
        if any(v is not None and not _finite(v) for v in (change.old_start, change.new_start, change.ts)):
            return "fixture change: a time that is not a finite number"
    elif isinstance(event, ScoreUpdated):
        score = event.score
        if not (isinstance(event.fixture_id, str) and _integer(score.home) and _integer(score.away)):
            return "score: totals not whole numbers, or id not text"
        if not isinstance(score.period, str):
            return "score: period not text"
    elif isinstance(event, QuotesSettled):
        if not all(isinstance(k, str) for k in event.settlements):
            return "settlement: id not text"
    elif isinstance(event, FrameRejected):
        reason = event.reason
        if not isinstance(reason, str) or len(reason) > 200 or not reason.isprintable():
            return "rejection reason too long or not printable (it may quote the payload)"
    return None


def _quote_problem(quote: Any) -> str | None:
    if not (_finite(quote.decimal) and quote.decimal > 1.0):
        return "quote: decimal price not a finite number above 1.0"
    if quote.points is not None and not _finite(quote.points):
        return "quote: points not a finite number"
    for name in ("key", "fixture_id", "book", "market", "selection"):
        if not isinstance(getattr(quote, name), str):
            return f"quote: {name} not text"
    if not _finite(quote.ts):
        return "quote: timestamp not a finite number"
    try:
        quote.american  # noqa: B018 - the grid reads it for every American-format cell
    except (ValueError, TypeError, OverflowError):
        return "quote: american price unreadable"
    return None


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def judge(
    decoder: str,
    feed: SpyFeed,
    call: Callable[[], Any],
    allowed: tuple[type[BaseException], ...] = (),
) -> None:
    """Run `call` (one frame into `decoder`) and fail on a crash or an insane event."""
    CASES[decoder] += 1
    start = len(feed.seen)
    try:
        call()
    except allowed:
        pass
    except Exception as exc:
        found = signature(exc)
        CRASHES[decoder][found] += 1
        if not DISCOVER:
            raise
    for event in feed.seen[start:]:
        problem = insane(event)
        if problem:
            found = f"passed on: {problem}"
            CRASHES[decoder][found] += 1
            if not DISCOVER:
                raise AssertionError(f"{decoder} {found}")


def in_loop(runner: asyncio.Runner, call: Callable[[], Any]) -> Callable[[], Any]:
    """`call` run inside `runner`'s loop (a decoder may start tasks); tasks it started are cancelled after."""

    async def run() -> Any:
        before = asyncio.all_tasks()
        try:
            result = call()
            if asyncio.iscoroutine(result):
                result = await result
            return result
        finally:
            for task in asyncio.all_tasks() - before - {asyncio.current_task()}:
                task.cancel()
            await asyncio.sleep(0)

    return lambda: runner.run(run())
