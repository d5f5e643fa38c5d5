"""Ingest by event shape: one recorded OpticOdds stream replayed in-process through both consumers.

The live rounds of `python -m oddstui.bench ingest` see the events the simulator happens to batch
(a book's changed lines of one game, about 17 odds an event). The docs say an event holds "one or
more" odds, so the same recording is also replayed with every odd in an event of its own. Replayed
from memory, both consumers do exactly the same work on exactly the same bytes, with no network and
no start-up: the figure compared is CPU time per quote update of the parsing, normalizing and caching.

- the SSE guide's consumer: sseclient-py over 128-byte reads (what iterating a `requests` response
  yields), `json.loads` and the guide's dict cache;
- oddstui: the OpticOdds client's own event handling (`iter_sse`, decoding, validation, quotes),
  the feed, and the store, drained after each read as `tail` does.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import sseclient

from oddstui.config import ProviderSettings
from oddstui.providers.errors import StreamFailed
from oddstui.providers.feed import Feed
from oddstui.providers.health import StreamReporter
from oddstui.providers.opticodds import OpticOddsClient, StreamPlan, _StreamState
from oddstui.secret import Secret
from oddstui.store import Store

READ = 64 * 1024
"""Bytes per read for oddstui: what one socket read returns from a busy stream."""
SAMPLE_READ = 128
"""Bytes per read for the guide's consumer: `requests`' Response iterates in 128-byte pieces."""
PRICE_EVENTS = ("odds", "locked-odds")


@dataclass(frozen=True, slots=True)
class Shape:
    name: str
    body: bytes
    events: int
    odds: int


def record(base: str, books: tuple[str, ...], seconds: float, limit: int = 8 * 1024 * 1024) -> bytes:
    """The raw bytes of the simulator's basketball odds stream for `books`, for `seconds` or `limit` bytes."""
    params = {"sportsbook": books, "odds_format": "AMERICAN"}
    body = bytearray()
    deadline = time.monotonic() + seconds
    headers = {"X-Api-Key": "bench-key"}
    with httpx.stream("GET", f"{base}/stream/odds/basketball", params=params, headers=headers, timeout=10) as reply:
        for chunk in reply.iter_raw():
            body += chunk
            if len(body) >= limit or time.monotonic() >= deadline:
                break
    end = body.rfind(b"\n\n")  # whole events only
    return bytes(body[: end + 2])


def price_events(body: bytes) -> Iterator[tuple[str, dict]]:
    """(name, payload) of each price event of a recording."""
    for block in body.decode().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line)
        if fields.get("event") in PRICE_EVENTS:
            yield fields["event"], json.loads(fields["data"])


def shapes(body: bytes) -> list[Shape]:
    """The recording as served, and the same odds with one odd an event (each with an entry id of its own)."""
    batched, single = [], []
    events = odds = 0
    for number, (name, payload) in enumerate(price_events(body)):
        events += 1
        odds += len(payload["data"])
        entry = payload.get("entry_id") or f"1-{number}"
        batched.append(_frame(name, payload, entry))
        for index, odd in enumerate(payload["data"]):
            entry_id = f"{entry}{index:03d}"
            single.append(_frame(name, {"data": [odd], "entry_id": entry_id, "type": name}, entry_id))
    return [
        Shape("as served", b"".join(batched), events, odds),
        Shape("one odd an event", b"".join(single), odds, odds),
    ]


def _frame(name: str, payload: dict, entry: str) -> bytes:
    return f"event: {name}\nid: {entry}\nretry: 5000\ndata: {json.dumps(payload)}\n\n".encode()


def sample_rate(body: bytes) -> float:
    """Quote updates per CPU second of the guide's consumer on `body`."""
    cache: dict[str, dict] = {}
    locked: set[str] = set()
    reads = [body[i : i + SAMPLE_READ] for i in range(0, len(body), SAMPLE_READ)]
    updates, started = 0, time.process_time()
    for event in sseclient.SSEClient(iter(reads)).events():
        if event.event in PRICE_EVENTS:
            data = json.loads(event.data)
            for odd in data["data"]:
                key = odd["id"]
                if event.event == "odds":
                    cache[key] = odd
                    locked.discard(key)
                else:
                    locked.add(key)
            updates += len(data["data"])
    return updates / (time.process_time() - started)


class _Reads(httpx.AsyncByteStream):
    """The body in reads of READ bytes; after each, what the client put on the feed goes to the store."""

    def __init__(self, body: bytes, feed: Feed, store: Store) -> None:
        self.body, self.feed, self.store = body, feed, store

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.body), READ):
            yield self.body[start : start + READ]
            for event in self.feed.drain():
                self.store.apply(event)


def oddstui_rate(body: bytes, books: tuple[str, ...]) -> float:
    """Quote updates per CPU second of oddstui's OpticOdds client, feed and store on `body`."""
    feed, store = Feed(), Store()
    settings = ProviderSettings("opticodds", Secret("bench-key"), "http://127.0.0.1:9")
    client = OpticOddsClient(settings, feed, sports=["basketball"], books=books)
    plan = StreamPlan("odds", "basketball", books)
    state = _StreamState(plan, StreamReporter(plan.name, "opticodds", feed.put))
    response = httpx.Response(200, headers={"Content-Type": "text/event-stream"}, stream=_Reads(body, feed, store))

    async def read() -> None:
        try:
            await client._read(state, response)
        except StreamFailed:  # the recording ends: to the client, the server ended the stream
            pass
        finally:
            await client.http.aclose()

    started = time.process_time()
    asyncio.run(read())
    for event in feed.drain():
        store.apply(event)
    return feed.quote_updates / (time.process_time() - started)
