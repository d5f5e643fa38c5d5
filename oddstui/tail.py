"""`oddstui tail`: the provider clients, headless. Events as JSON lines on stdout, health on stderr."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO, Unpack

import msgspec

from oddstui.config import Settings
from oddstui.export import event_json, state_json
from oddstui.history import NoHistory
from oddstui.logfile import one_line
from oddstui.model import Event, FrameRejected, QuotesLocked, QuotesPosted, StreamHealthChanged, StreamState
from oddstui.persist import write_atomic
from oddstui.providers.feed import Feed
from oddstui.providers.runner import Tuning, build_clients, stop_clients
from oddstui.store import Store

log = logging.getLogger(__name__)
BATCH_SECONDS = 0.01
"""Once events are waiting, how long more may gather: the loop runs per batch, not per network read."""


@dataclass(frozen=True, slots=True)
class TailOptions:
    providers: tuple[str, ...] = ()
    count: int | None = None
    seconds: float | None = None
    quiet: bool = False
    state_file: Path | None = None


class TailOutput:
    """Prints and applies what the feed yields: data events up to --count, health and skipped frames always."""

    def __init__(self, options: TailOptions, store: Store, out: TextIO, err: TextIO) -> None:
        self.options, self.store, self.out, self.err = options, store, out, err
        self.data_events = 0
        """Data-event lines printed (applied, with --quiet): what --count counts."""
        self.quote_updates = 0
        self.auth_error = False

    @property
    def done(self) -> bool:
        return self.options.count is not None and self.data_events >= self.options.count

    def take(self, events: list[Event]) -> None:
        lines = []
        for event in events:
            if isinstance(event, StreamHealthChanged):
                self.store.apply(event)
                health = event.health
                retry = f" (retry in {max(0, health.retry_at - time.time()):.1f}s)" if health.retry_at else ""
                print(f"[{health.stream}] {health.state.value}{retry} {health.detail}".rstrip(), file=self.err)
                self.auth_error |= health.state is StreamState.AUTH_ERROR
            elif isinstance(event, FrameRejected):
                self.store.apply(event)
                print(f"[{event.stream}] skipped a malformed frame: {event.reason}", file=self.err)
            elif not self.done:  # past --count: neither printed nor applied, so the state matches the lines
                self.store.apply(event)
                self.data_events += 1
                if isinstance(event, QuotesPosted | QuotesLocked):
                    self.quote_updates += len(event.quotes)
                if not self.options.quiet:
                    lines.append(msgspec.json.encode(event_json(event)).decode())
        if lines:
            self.out.write("\n".join(lines) + "\n")
            self.out.flush()


async def tail(
    settings: Settings,
    options: TailOptions,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    cache_dir: Path | None = None,
    stop: asyncio.Event | None = None,
    store: Store | None = None,
    **tuning: Unpack[Tuning],
) -> int:
    """Run until --count data events, --for seconds, `stop`, an auth error, or every stream has stopped.

    `store`, when given, is the one the events are applied to (a test reads it while the run goes on).

    Returns 0; 1 after an auth error, a client failure (its traceback in the log), every stream
    stopping on its own, or a state file that could not be written; 2 when no provider is enabled.
    """
    feed = Feed()
    store = store if store is not None else Store(history=NoHistory())  # nothing shows a price's history here
    clients = build_clients(settings, feed, only=options.providers, cache_dir=cache_dir, **tuning)
    if not clients:
        print("oddstui tail: no provider enabled (set a key, or drop --provider)", file=err)
        return 2
    for client in clients:
        store.on_evict(client.forget)
    tasks = {asyncio.create_task(client.run()): type(client).__name__ for client in clients}
    output = TailOutput(options, store, out, err)
    started = time.monotonic()
    deadline = started + options.seconds if options.seconds is not None else None
    failed = ended = False
    try:
        while not (output.done or output.auth_error or failed):
            if await feed.wait(0.2):
                await asyncio.sleep(BATCH_SECONDS)
            output.take(feed.drain())
            store.evict_due()
            failed = _report_failures(tasks, err)
            ended = all(task.done() for task in tasks)
            if ended or (deadline is not None and time.monotonic() >= deadline) or (stop is not None and stop.is_set()):
                break
    finally:
        await stop_clients(tasks)
    output.take(feed.drain())  # what arrived meanwhile, still within --count
    shown = "applied" if options.quiet else "printed"
    print(
        f"tail: {output.data_events} data events {shown}, {output.quote_updates} quote updates, "
        f"{store.quote_count()} quotes held, in {time.monotonic() - started:.2f} s",
        file=err,
    )
    status = 1 if output.auth_error or failed or (ended and not output.done) else 0
    if options.state_file is not None:
        try:
            write_atomic(options.state_file, msgspec.json.format(msgspec.json.encode(state_json(store)), indent=2))
        except OSError as exc:
            print(f"oddstui tail: could not write {options.state_file}: {exc.strerror}", file=err)
            status = 1
    return status


def _report_failures(tasks: dict[asyncio.Task[None], str], err: TextIO) -> bool:
    """True once a client has failed with an exception: one scrubbed line here, the traceback in the log."""
    failed = False
    for task, name in tasks.items():
        if task.done() and not task.cancelled() and (exc := task.exception()) is not None:
            log.error("%s failed", name, exc_info=exc)
            print(f"oddstui tail: {name} failed: {one_line(exc)} (traceback in the log)", file=err)
            failed = True
    return failed


async def tail_until_interrupted(settings: Settings, options: TailOptions, cache_dir: Path | None = None) -> int:
    """`tail` on stdout and stderr, where Ctrl+C ends the run as --for would (summary and state written), with 130.

    A second Ctrl+C cancels the wind-down: asyncio.run then raises CancelledError, which the caller maps to 130.
    """
    stop = asyncio.Event()
    loop, run = asyncio.get_running_loop(), asyncio.current_task()

    def interrupted() -> None:  # the first Ctrl+C stops the run; a second one while it winds down cancels it
        if stop.is_set() and run is not None:
            run.cancel()
        stop.set()

    with contextlib.suppress(NotImplementedError, RuntimeError):  # no signal handlers off the main thread
        loop.add_signal_handler(signal.SIGINT, interrupted)
    status = await tail(settings, options, cache_dir=cache_dir, stop=stop)
    return 130 if stop.is_set() else status
