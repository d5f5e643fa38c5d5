"""Fuzzing every decoder with hostile frames: the only outcomes are sane events or the skip-and-count path.

Frames start from the docs' example payloads (seeds.py), mutated: values of the wrong type, removed
or swapped fields, deep nesting, NaN, damaged text; for MessagePack also ExtType, bin-for-str,
non-string keys and huge announced lengths. A fixed seed (`derandomize`) keeps CI reproducible.
Run with FUZZ_DISCOVER=1 to list every distinct crash instead of stopping at the first.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oddstui.model import QuotesLocked, QuotesPosted
from oddstui.providers import opticodds
from oddstui.providers.backoff import Backoff
from oddstui.providers.base import TRANSIENT
from oddstui.providers.copilot import ParlayClient, ParlayError
from oddstui.providers.errors import AuthFailed, RateLimited, RequestRejected
from oddstui.providers.health import StreamReporter
from oddstui.providers.http import async_client
from oddstui.providers.oddspapi import OddsPapiClient
from oddstui.providers.oddsstream import OddsStreamClient
from tests.fuzz.harness import SpyFeed, in_loop, judge, provider_settings
from tests.fuzz.seeds import BUILT, SEEDS
from tests.fuzz.strategies import (
    HUGE_MSGPACK,
    damaged_text,
    deep_json,
    deep_msgpack,
    json_values,
    msgpack_values,
    mutated,
    pack,
    to_json,
)

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


@pytest.fixture(scope="module")
def runner() -> Iterator[asyncio.Runner]:
    with asyncio.Runner() as loop_runner:
        yield loop_runner


def doc(name: str) -> object:
    return json.loads(SEEDS[name]) if name in SEEDS else BUILT[name]


@st.composite
def frames_from(draw: st.DrawFn, seed_names: list[str], values: st.SearchStrategy = json_values) -> str:
    """JSON text: a seed mutated, damaged as text, replaced wholesale, nested deep, or as printed."""
    seed = doc(draw(st.sampled_from(seed_names)))
    kind = draw(st.sampled_from(["mutated"] * 5 + ["damaged"] * 2 + ["random", "deep", "verbatim"]))
    if kind == "mutated":
        return to_json(draw(mutated(seed, values)))
    if kind == "damaged":
        return draw(damaged_text(to_json(seed)))
    if kind == "random":
        return to_json(draw(values))
    if kind == "deep":
        return deep_json(to_json(seed), draw(st.sampled_from([200, 5000, 100_000])))
    return to_json(seed)


# --- OpticOdds SSE events --------------------------------------------------------------------------------

OPTIC_SEEDS = {
    "odds": ["odds"],
    "locked-odds": ["odds"],
    "copilot-odds": ["copilot-odds"],
    "copilot-locked-odds": ["copilot-locked-odds"],
    "copilot-settled-odds": ["copilot-settled-odds"],
    "fixture-status": ["fixture-status-time", "fixture-status-cancelled", "fixture-status-copilot"],
    "fixture-results": ["fixture-results"],
}
OPTIC_PLAN = {"copilot": "copilot", "fixture": "results"}


def optic_client() -> tuple[opticodds.OpticOddsClient, SpyFeed]:
    feed = SpyFeed()
    client = opticodds.OpticOddsClient(
        provider_settings("opticodds"), feed, sports=("basketball",), books=("Pinnacle", "DraftKings")
    )
    return client, feed


def optic_state(client: opticodds.OpticOddsClient, feed: SpyFeed, event: str) -> object:
    """The client's per-connection state for the stream that carries `event`, built from its dataclass fields."""
    kind = OPTIC_PLAN.get(event.split("-")[0], "odds")
    plans = opticodds.plan_streams(("basketball",), ("Pinnacle", "DraftKings"), {}, True)
    plan = next(p for p in plans if p.kind == kind)
    given_values = {"plan": plan, "reporter": StreamReporter(plan.name, "opticodds", feed.put), "backoff": Backoff()}
    required = [
        f.name
        for f in dataclasses.fields(opticodds._StreamState)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    state = opticodds._StreamState(**{name: given_values[name] for name in required})
    client.streams[plan.name] = state
    return state


@st.composite
def optic_events(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(list(OPTIC_SEEDS)) | st.sampled_from(["", "message", "ODDS", "odds ", "x" * 300]))
    seeds = OPTIC_SEEDS.get(name) or [s for names in OPTIC_SEEDS.values() for s in names]
    if draw(st.integers(0, 9)) == 0:  # now and then the payload of another event under this name
        seeds = [s for names in OPTIC_SEEDS.values() for s in names]
    return name, draw(frames_from(seeds))


@pytest.mark.parametrize("name", list(OPTIC_SEEDS))
def test_opticodds_doc_examples_reach_the_feed(name, runner):
    """The seeds themselves decode into data events: the fuzzing starts from frames the decoder accepts."""
    client, feed = optic_client()
    state = optic_state(client, feed, name)
    for seed in OPTIC_SEEDS[name]:
        text = SEEDS.get(seed) or json.dumps(BUILT[seed])
        judge("opticodds", feed, in_loop(runner, lambda text=text: client._handle(state, name, text)))
    assert state.reporter.malformed == 0
    assert feed.data_events > 0


@settings(FUZZ, max_examples=500)
@given(event=optic_events())
def test_opticodds_events_never_crash(event, runner):
    name, data = event
    client, feed = optic_client()
    state = optic_state(client, feed, name)
    judge("opticodds", feed, in_loop(runner, lambda: client._handle(state, name, data)))


# --- OddsPapi WebSocket frames ----------------------------------------------------------------------------

PAPI_SEEDS = [name for name in SEEDS if name.startswith("papi-")]


def papi_client(cache_dir) -> tuple[OddsPapiClient, SpyFeed]:
    feed = SpyFeed()
    return OddsPapiClient(provider_settings("oddspapi"), feed, sports=("soccer",), cache_dir=cache_dir), feed


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("papi-cache")


def test_oddspapi_doc_examples_reach_the_feed(runner, cache_dir):
    client, feed = papi_client(cache_dir)
    for name in PAPI_SEEDS:
        for raw in (SEEDS[name], pack(json.loads(SEEDS[name]))):
            judge("oddspapi", feed, in_loop(runner, lambda raw=raw: client._frame(raw)))
    assert client.reporter.malformed == 0
    assert feed.data_events > 0


@settings(FUZZ, max_examples=300)
@given(raw=frames_from(PAPI_SEEDS) | frames_from(PAPI_SEEDS).map(str.encode))
def test_oddspapi_json_frames_never_crash(raw, runner, cache_dir):
    client, feed = papi_client(cache_dir)
    judge("oddspapi", feed, in_loop(runner, lambda: client._frame(raw)))


@st.composite
def msgpack_frames(draw: st.DrawFn) -> bytes:
    seed = doc(draw(st.sampled_from(PAPI_SEEDS)))
    kind = draw(st.sampled_from(["mutated"] * 5 + ["cut", "random", "deep", "huge"]))
    if kind == "mutated":
        return pack(draw(mutated(seed, msgpack_values)))
    if kind == "cut":
        packed = pack(seed)
        return packed[: draw(st.integers(0, len(packed) - 1))]
    if kind == "random":
        return pack(draw(msgpack_values))
    if kind == "deep":
        return deep_msgpack(pack(seed), draw(st.sampled_from([200, 5000, 100_000])))
    return draw(st.sampled_from(HUGE_MSGPACK))


@settings(FUZZ, max_examples=300)
@given(raw=msgpack_frames())
def test_oddspapi_msgpack_frames_never_crash(raw, runner, cache_dir):
    client, feed = papi_client(cache_dir)
    judge("oddspapi", feed, in_loop(runner, lambda: client._frame(raw)))


# --- OddsStream WebSocket messages and REST polls ---------------------------------------------------------


STREAM_MESSAGES = ["oddsstream-message", "oddsstream-message-row"]


def oddsstream_client() -> tuple[OddsStreamClient, SpyFeed]:
    feed = SpyFeed()
    return OddsStreamClient(provider_settings("oddsstream"), feed), feed


def test_oddsstream_doc_shaped_message_and_row_reach_the_feed(runner):
    """A polled row reaches the feed, and so does a stream message in one of the two readings of the docs."""
    client, feed = oddsstream_client()
    for name in STREAM_MESSAGES:
        judge("oddsstream", feed, in_loop(runner, lambda name=name: client._message(json.dumps(BUILT[name]))))
    assert client.reporter.malformed <= 1
    body = json.dumps({"data": [BUILT["oddsstream-row"]], "meta": {"count": 1}})
    judge("oddsstream", feed, in_loop(runner, lambda: poll(client, body)))
    assert client.reporter.malformed <= 1
    assert sum(len(e.quotes) for e in feed.seen if isinstance(e, QuotesPosted | QuotesLocked)) == 4


@settings(FUZZ, max_examples=300)
@given(raw=frames_from(STREAM_MESSAGES) | frames_from(STREAM_MESSAGES).map(str.encode))
def test_oddsstream_messages_never_crash(raw, runner):
    client, feed = oddsstream_client()
    judge("oddsstream", feed, in_loop(runner, lambda: client._message(raw)))


async def poll(client: OddsStreamClient, body: str) -> None:
    """One poll of `body` (as the whole /api/odds reply) through the client's own request path."""
    reply = httpx.Response(200, content=body.encode(), headers={"Content-Type": "application/json"})
    client.http = async_client("http://127.0.0.1:9", transport=httpx.MockTransport(lambda request: reply))
    try:
        await client.poll_once()
    finally:
        await client.http.aclose()


@st.composite
def poll_bodies(draw: st.DrawFn) -> str:
    rows = draw(st.lists(st.just(BUILT["oddsstream-row"]), min_size=1, max_size=3))
    envelope = {"data": rows, "meta": {"count": len(rows), "rate_limit_remaining": 100}}
    kind = draw(st.sampled_from(["mutated"] * 6 + ["damaged", "random"]))
    if kind == "mutated":
        return to_json(draw(mutated(envelope)))
    if kind == "damaged":
        return draw(damaged_text(to_json(envelope)))
    return to_json(draw(json_values))


WHOLE_REPLY_FAILURES = (*TRANSIENT, AuthFailed, RateLimited, RequestRejected)
"""A reply that is unusable as a whole fails the request; the reconnect loop retries or stops."""


@settings(FUZZ, max_examples=150)
@given(body=poll_bodies())
def test_oddsstream_poll_replies_never_crash(body, runner):
    client, feed = oddsstream_client()
    call = in_loop(runner, lambda: poll(client, body))
    judge("oddsstream-poll", feed, call, allowed=WHOLE_REPLY_FAILURES)


# --- Copilot parlay replies -------------------------------------------------------------------------------


def price_parlay(status: int, body: str) -> None:
    client = ParlayClient(provider_settings("opticodds"))
    request = httpx.Request("GET", "http://127.0.0.1:9/api/copilot/parlay/odds")
    try:
        quote = client._parse(httpx.Response(status, content=body.encode(), request=request))
    except ParlayError:
        return
    for value in (quote.american, quote.decimal, quote.independent_decimal, quote.correlation_effect):
        assert value is None or (isinstance(value, float | int) and value == value), "a price that is not a number"


def test_parlay_doc_example_prices(runner):
    feed = SpyFeed()
    judge("parlay", feed, lambda: price_parlay(200, SEEDS["parlay"]))


@settings(FUZZ, max_examples=250)
@given(status=st.sampled_from([200] * 6 + [400, 404, 500, 401]), body=frames_from(["parlay"]))
def test_parlay_replies_never_crash(status, body):
    judge("parlay", SpyFeed(), lambda: price_parlay(status, body))


# --- crashes found, pinned until their client is fixed ----------------------------------------------------

DEEP = 100_000
NOT_CAUGHT = "JSON nested 100,000 deep: the decoder raises RecursionError, which is not caught"


def optic_frame(name: str, data: str) -> Callable[[asyncio.Runner, Path], None]:
    def run(runner: asyncio.Runner, tmp_path: Path) -> None:
        client, feed = optic_client()
        state = optic_state(client, feed, name)
        judge("opticodds", feed, in_loop(runner, lambda: client._handle(state, name, data)))

    return run


def papi_frame(raw: str | bytes) -> Callable[[asyncio.Runner, Path], None]:
    def run(runner: asyncio.Runner, tmp_path: Path) -> None:
        client, feed = papi_client(tmp_path)
        judge("oddspapi", feed, in_loop(runner, lambda: client._frame(raw)))

    return run


def stream_message(raw: str) -> Callable[[asyncio.Runner, Path], None]:
    def run(runner: asyncio.Runner, tmp_path: Path) -> None:
        client, feed = oddsstream_client()
        judge("oddsstream", feed, in_loop(runner, lambda: client._message(raw)))

    return run


def stream_poll(body: str) -> Callable[[asyncio.Runner, Path], None]:
    def run(runner: asyncio.Runner, tmp_path: Path) -> None:
        client, feed = oddsstream_client()
        judge("oddsstream-poll", feed, in_loop(runner, lambda: poll(client, body)), allowed=WHOLE_REPLY_FAILURES)

    return run


def parlay_reply(body: str) -> Callable[[asyncio.Runner, Path], None]:
    def run(runner: asyncio.Runner, tmp_path: Path) -> None:
        judge("parlay", SpyFeed(), lambda: price_parlay(200, body))

    return run


RESULTS_WITH_NUMBER_ID = json.dumps(
    {**BUILT["fixture-results"], "data": {**BUILT["fixture-results"]["data"], "fixture_id": 5}}
)  # type: ignore[dict-item]
CRASHES_FIXED: list[tuple[str, str, str, Callable[[asyncio.Runner, Path], None]]] = [
    (
        "opticodds",
        "RecursionError in _handle",
        NOT_CAUGHT,
        optic_frame("fixture-status", deep_json(SEEDS["fixture-status-time"], DEEP)),
    ),
    (
        "opticodds",
        "passed on: rejection reason too long or not printable (it may quote the payload)",
        "the SSE event name is quoted whole in a rejection reason (`{name}: not valid JSON`)",
        optic_frame("x" * 300, "not json"),
    ),
    (
        "opticodds",
        "passed on: score: totals not whole numbers, or id not text",
        "fixture-results: a fixture_id that is not text is passed on in ScoreUpdated",
        optic_frame("fixture-results", RESULTS_WITH_NUMBER_ID),
    ),
    ("oddspapi", "RecursionError in _frame", NOT_CAUGHT, papi_frame(deep_json(SEEDS["papi-odds"], DEEP))),
    (
        "oddsstream",
        "RecursionError in _message",
        NOT_CAUGHT,
        stream_message(deep_json(json.dumps(BUILT["oddsstream-message-row"]), DEEP)),
    ),
    (
        "oddsstream-poll",
        "AttributeError in poll_once",
        "an /api/odds reply that is a JSON array or scalar: `.get` is called on it",
        stream_poll("[]"),
    ),
    ("parlay", "RecursionError in _parse", NOT_CAUGHT, parlay_reply(deep_json(SEEDS["parlay"], DEEP))),
]
"""Every distinct crash or insane event the fuzzing met in the clients, with a hand-written frame that shows it."""


@pytest.mark.parametrize(
    "reproduce",
    [pytest.param(reproduce, id=f"{decoder}: {signature}") for decoder, signature, _why, reproduce in CRASHES_FIXED],
)
def test_a_crash_the_fuzzing_found_stays_fixed(reproduce, runner, tmp_path):
    reproduce(runner, tmp_path)
