"""`oddstui tail`: the provider clients, headless. Events as JSON lines on stdout, health on stderr."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import msgspec

from oddstui.config import Settings
from oddstui.export import event_json, state_json
from oddstui.model import FrameRejected, StreamHealthChanged, StreamState
from oddstui.providers.feed import Feed
from oddstui.providers.runner import build_clients
from oddstui.store import Store


@dataclass(frozen=True, slots=True)
class TailOptions:
    providers: tuple[str, ...] = ()
    count: int | None = None
    seconds: float | None = None
    quiet: bool = False
    state_file: Path | None = None


async def tail(
    settings: Settings,
    options: TailOptions,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    cache_dir: Path | None = None,
    stop: asyncio.Event | None = None,
    **tuning: float,
) -> int:
    """Run until --count data events, --for seconds, `stop`, or every stream has stopped; 1 after an auth error."""
    feed, store = Feed(), Store()
    clients = build_clients(settings, feed, only=options.providers, cache_dir=cache_dir, **tuning)
    if not clients:
        print("oddstui tail: no provider enabled (set a key, or drop --provider)", file=err)
        return 2
    tasks = [asyncio.create_task(client.run()) for client in clients]
    started = time.monotonic()
    deadline = started + options.seconds if options.seconds is not None else None
    auth_errors = 0
    try:
        while True:
            await feed.wait(0.2)
            lines = []
            for event in feed.drain():
                store.apply(event)
                if isinstance(event, StreamHealthChanged):
                    health = event.health
                    retry = f" (retry in {max(0, health.retry_at - time.time()):.1f}s)" if health.retry_at else ""
                    print(f"[{health.stream}] {health.state.value}{retry} {health.detail}".rstrip(), file=err)
                    auth_errors += health.state is StreamState.AUTH_ERROR
                elif isinstance(event, FrameRejected):
                    print(f"[{event.stream}] skipped a malformed frame: {event.reason}", file=err)
                elif not options.quiet:
                    lines.append(msgspec.json.encode(event_json(event)).decode())
            store.evict_due()
            if lines:
                out.write("\n".join(lines) + "\n")
                out.flush()
            if options.count is not None and feed.data_events >= options.count and not feed.pending:
                break
            if deadline is not None and time.monotonic() >= deadline:
                break
            if all(task.done() for task in tasks) or (stop is not None and stop.is_set()):
                break
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
    for event in feed.drain():
        store.apply(event)
    print(
        f"tail: {feed.data_events} data events, {feed.quote_updates} quote updates, "
        f"{store.quote_count()} quotes held, in {time.monotonic() - started:.2f} s",
        file=err,
    )
    if options.state_file is not None:
        write_private(options.state_file, msgspec.json.format(msgspec.json.encode(state_json(store)), indent=2))
    return 1 if auth_errors else 0


def write_private(path: Path, data: bytes) -> None:
    """Write a file readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
