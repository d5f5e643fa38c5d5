"""Servers that misbehave, on real loopback sockets: the shared provider I/O must bound, refuse or back off."""

from __future__ import annotations

import asyncio
import email.utils
import gzip
import json
import random
import time
import tracemalloc
import zlib

import httpx
import pytest
import websockets

from oddstui.model import StreamHealthChanged, StreamState
from oddstui.providers.backoff import Backoff, clamp_retry_field, parse_reset
from oddstui.providers.base import Fatal, Retry, default_verdict, reconnect
from oddstui.providers.errors import failure_for_status
from oddstui.providers.health import StreamReporter
from oddstui.providers.http import ReplyRefused, async_client, websocket_connect
from oddstui.providers.sse import EventTooLarge, LineTooLong, NotAnEventStream, iter_sse
from oddstui.secret import Secret
from tests.providers.hostile import Request, head, raw_server

KEY = "sk-hostile-5a4b3c2d1e0f"
Secret(KEY)  # known to the scrubber, as a configured key is
SSE = {"Content-Type": "text/event-stream"}
MB = 1024 * 1024


async def read_events(url: str, **bounds) -> list:
    async with async_client(url, timeout=5.0) as http, http.stream("GET", "/stream") as response:
        return [event async for event in iter_sse(response, **bounds)]


def reply(status: int, headers: dict[str, str] | None = None, body: bytes = b"", reason: str = "Whatever"):
    """A handler sending one complete reply."""

    async def handler(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(head(status, {"Content-Length": str(len(body)), **(headers or {})}, reason) + body)

    return handler


# --- event streams ---------------------------------------------------------------------------------


async def endless_lines(request: Request, writer: asyncio.StreamWriter) -> None:
    """One good event, then data lines of 64 KB forever and never the blank line that ends an event."""
    writer.write(head(200, SSE) + b"data: first\n\n")
    line = b"data: " + b"x" * (64 * 1024) + b"\n"
    while True:
        writer.write(line)
        await writer.drain()


async def test_an_event_that_never_ends_is_cut_at_its_bound():
    got = []
    async with raw_server(endless_lines) as server:
        with pytest.raises(EventTooLarge, match="event grew past"):
            async with async_client(server.url) as http, http.stream("GET", "/") as response:
                async for event in iter_sse(response, max_event=MB):
                    got.append(event.data)
    assert got == ["first"]


async def test_the_default_event_bound_keeps_memory_flat():
    tracemalloc.start()
    try:
        async with raw_server(endless_lines) as server:
            with pytest.raises(EventTooLarge):
                await read_events(server.url)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * MB  # one event at its 16 M bound, not everything the server sent


async def test_a_line_that_never_ends_is_cut_at_its_bound():
    async def endless_line(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(head(200, SSE) + b"data: ")
        while True:
            writer.write(b"y" * 65536)
            await writer.drain()

    async with raw_server(endless_line) as server:
        with pytest.raises(LineTooLong, match="line grew past"):
            await read_events(server.url, max_line=256 * 1024)


async def test_retry_values_that_are_not_all_ascii_digits_are_ignored():
    fields = ["-1", "+5", " 10", "1.5", "\u0661\u0660", "", "250"]
    body = "".join(f"retry: {value}\ndata: {i}\n\n" for i, value in enumerate(fields)).encode()
    async with raw_server(reply(200, SSE, body)) as server:
        events = await read_events(server.url)
    assert [event.data for event in events] == [str(i) for i in range(len(fields))]
    assert [event.retry for event in events] == [None] * 6 + [250]
    assert clamp_retry_field(events[-1].retry) == 0.25


async def test_any_case_content_type_a_bom_and_a_wrong_charset_still_read_as_utf8():
    headers = {"Content-Type": "Text/Event-Stream; Charset=ISO-8859-1"}
    body = "\ufeffevent: odds\ndata: café\n\n".encode()
    async with raw_server(reply(200, headers, body)) as server:
        events = await read_events(server.url)
    assert [(event.event, event.data) for event in events] == [("odds", "café")]


async def test_an_event_ended_by_bare_crs_is_dispatched_while_the_stream_stays_open():
    async def cr_then_quiet(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(head(200, SSE) + b"event: odds\rdata: 1\r\r")
        await writer.drain()
        await asyncio.sleep(30)

    async with (
        raw_server(cr_then_quiet) as server,
        async_client(server.url) as http,
        http.stream("GET", "/") as response,
    ):
        event = await asyncio.wait_for(anext(aiter(iter_sse(response))), 2)
    assert (event.event, event.data) == ("odds", "1")


async def test_a_crlf_split_across_reads_ends_one_line_not_two():
    async def split(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(head(200, SSE) + b"data: a\r")
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.write(b"\ndata: b\r\n\r\n")

    async with raw_server(split) as server:
        events = await read_events(server.url)
    assert [event.data for event in events] == ["a\nb"]


@pytest.mark.parametrize(
    ("content_type", "named"),
    [
        ("text/html; charset=utf-8", "text/html"),
        ("application/json", "application/json"),
        (None, "no Content-Type"),
        ("<script>alert(1)</script>", "an unreadable Content-Type"),
    ],
)
async def test_a_page_where_a_stream_was_expected_is_named_never_quoted(content_type, named):
    body = f"<html>secret page {KEY}</html>".encode()
    headers = {"Content-Type": content_type} if content_type else {}
    async with raw_server(reply(200, headers, body)) as server:
        with pytest.raises(NotAnEventStream) as failure:
            await read_events(server.url)
    message = str(failure.value)
    assert named in message and "secret" not in message and KEY not in message and "<script>" not in message


class RecordingBackoff(Backoff):
    def __init__(self, base: float, cap: float = 60.0) -> None:
        super().__init__(base, cap, random.Random(7))
        self.delays: list[float] = []

    def next_delay(self, floor: float = 0.0) -> float:
        self.delays.append(super().next_delay(floor))
        return self.delays[-1]


def reporter_log() -> tuple[StreamReporter, list]:
    seen: list = []
    return StreamReporter("test:stream", "test", lambda event, data=True: seen.append(event)), seen


async def test_a_page_instead_of_a_stream_is_retried_with_a_growing_backoff():
    reporter, seen = reporter_log()
    backoff = RecordingBackoff(0.01)
    failures: list[BaseException | None] = []

    def classify(exc: BaseException | None):
        failures.append(exc)
        return Fatal("enough") if len(failures) == 5 else None

    async with raw_server(reply(200, {"Content-Type": "text/html"}, b"<html>maintenance</html>")) as server:

        async def session() -> None:
            await read_events(server.url)

        await asyncio.wait_for(reconnect(session, reporter, backoff, classify), 5)
    assert all(isinstance(exc, NotAnEventStream) for exc in failures)
    assert len(backoff.delays) == 4 and backoff.attempt == 4
    assert backoff.delays[-1] > backoff.delays[0]  # 0.01 * 2**n with jitter: 0.005..0.01 up to 0.04..0.08
    states = [e.health for e in seen if isinstance(e, StreamHealthChanged)]
    assert any(h.state is StreamState.RECONNECTING and "text/html" in h.detail for h in states)


@pytest.mark.parametrize("kind", ["close_at_once", "empty_stream"])
async def test_a_server_that_accepts_then_ends_at_once_is_backed_off_not_stormed(kind):
    async def end_at_once(request: Request, writer: asyncio.StreamWriter) -> None:
        if kind == "empty_stream":
            writer.write(head(200, SSE | {"Content-Length": "0"}))

    reporter, _ = reporter_log()
    backoff = RecordingBackoff(0.05, cap=5.0)
    async with raw_server(end_at_once) as server:

        async def session() -> None:
            await read_events(server.url)

        with pytest.raises(TimeoutError):
            await asyncio.wait_for(reconnect(session, reporter, backoff), 0.8)
    # Delays double from 0.025-0.05 s: at most six connections fit in 0.8 s; with no backoff, hundreds would.
    assert 3 <= server.connections <= 6
    assert all(later >= earlier / 2 for earlier, later in zip(backoff.delays, backoff.delays[1:], strict=False))


# --- status codes ------------------------------------------------------------------------------------


def json_body(message: str) -> bytes:
    return json.dumps({"message": message}).encode()


@pytest.mark.parametrize(
    ("status", "headers", "verdict", "state", "floor"),
    [
        (401, {}, Fatal, StreamState.AUTH_ERROR, None),
        (403, {}, Fatal, StreamState.AUTH_ERROR, None),
        (400, {}, Fatal, StreamState.DOWN, None),
        (404, {}, Fatal, StreamState.DOWN, None),
        (422, {}, Fatal, StreamState.DOWN, None),
        (302, {"Location": f"https://evil.example/steal?apiKey={KEY}"}, Fatal, StreamState.DOWN, None),
        (408, {}, Retry, StreamState.RECONNECTING, 0.0),
        (500, {}, Retry, StreamState.RECONNECTING, 0.0),
        (502, {}, Retry, StreamState.RECONNECTING, 0.0),
        (503, {"Retry-After": "5"}, Retry, StreamState.RECONNECTING, 0.0),
        (429, {}, Retry, StreamState.RATE_LIMITED, 1.0),
        (429, {"Retry-After": "7"}, Retry, StreamState.RATE_LIMITED, 7.0),
        (429, {"Retry-After": "0"}, Retry, StreamState.RATE_LIMITED, 1.0),
        (429, {"Retry-After": "-3"}, Retry, StreamState.RATE_LIMITED, 1.0),
        (429, {"Retry-After": "1e9"}, Retry, StreamState.RATE_LIMITED, 1.0),
        (429, {"Retry-After": "99999999999999999999"}, Retry, StreamState.RATE_LIMITED, 300.0),
        (429, {"Retry-After": "soon, maybe"}, Retry, StreamState.RATE_LIMITED, 1.0),
        (429, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, Retry, StreamState.RATE_LIMITED, 1.0),
    ],
)
async def test_every_status_class_maps_to_one_verdict(status, headers, verdict, state, floor):
    body = json_body(f"no \x1b[2J for {KEY}")
    async with (
        raw_server(reply(status, headers | {"Content-Type": "application/json"}, body)) as server,
        async_client(server.url) as http,
    ):
        response = await http.get("/x")
    assert response.status_code == status  # a redirect is not followed
    outcome = default_verdict(failure_for_status(response, "Prov", "set PROV_API_KEY"))
    assert isinstance(outcome, verdict) and outcome.state is state
    if floor is not None:
        assert outcome.floor == floor
        assert Backoff(0.01).next_delay(outcome.floor) >= floor
    assert KEY not in outcome.reason and "\x1b" not in outcome.reason and "steal" not in outcome.reason
    if status == 302:
        assert "evil.example" in outcome.reason


async def test_a_retry_after_date_in_the_future_sets_the_floor():
    when = email.utils.formatdate(time.time() + 40, usegmt=True)
    async with raw_server(reply(429, {"Retry-After": when})) as server, async_client(server.url) as http:
        response = await http.get("/x")
    outcome = default_verdict(failure_for_status(response, "Prov", "set PROV_API_KEY"))
    assert isinstance(outcome, Retry) and 38 <= outcome.floor <= 40


@pytest.mark.parametrize("status", [401, 403])
async def test_an_auth_failure_is_reported_once_and_never_retried(status):
    reporter, seen = reporter_log()
    async with raw_server(reply(status, {}, json_body("invalid key"))) as server:

        async def session() -> None:
            async with async_client(server.url) as http:
                failure = failure_for_status(await http.get("/x"), "Prov", "set PROV_API_KEY")
                if failure is not None:
                    raise failure

        verdict = await asyncio.wait_for(reconnect(session, reporter, Backoff(0.01)), 5)
    assert isinstance(verdict, Fatal) and verdict.state is StreamState.AUTH_ERROR
    assert len(server.requests) == 1
    assert [e.health.state for e in seen] == [StreamState.CONNECTING, StreamState.AUTH_ERROR]


async def test_a_key_or_terminal_escape_in_a_reason_phrase_is_masked():
    async with (
        raw_server(reply(401, {}, b"<html>no</html>", reason=f"Denied {KEY}\x1b]0;pwned")) as server,
        async_client(server.url) as http,
    ):
        response = await http.get("/x")
    message = str(failure_for_status(response, "Prov", "set PROV_API_KEY"))
    assert KEY not in message and "\x1b" not in message and "Denied ***" in message


# --- compression, redirects, endless replies -----------------------------------------------------------


def gzip_bomb(inflated: int) -> bytes:
    """A gzip body of `inflated` zero bytes, built without holding them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(MB)
    return b"".join(packer.compress(block) for _ in range(inflated // MB)) + packer.flush()


async def test_a_small_gzip_reply_cannot_inflate_past_the_body_cap():
    bomb = gzip_bomb(200 * MB)
    assert len(bomb) < 300 * 1024
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    tracemalloc.start()
    try:
        async with raw_server(reply(200, headers, bomb)) as server, async_client(server.url, max_body=4 * MB) as http:
            with pytest.raises(ReplyRefused, match="grew past 4194304 bytes"):
                await http.get("/fixtures/odds")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 24 * MB


@pytest.mark.parametrize(("encoding", "compress"), [("gzip", gzip.compress), ("deflate", zlib.compress)])
async def test_a_compressed_reply_within_the_cap_reads_as_usual(encoding, compress):
    body = json.dumps({"data": [{"id": i} for i in range(1000)]}).encode()
    headers = {"Content-Type": "application/json", "Content-Encoding": encoding}
    async with raw_server(reply(200, headers, compress(body))) as server, async_client(server.url) as http:
        response = await http.get("/x")
    assert response.json()["data"][999] == {"id": 999}
    assert server.requests[0].headers["accept-encoding"] == "gzip, deflate"


async def test_a_gzip_event_stream_sent_unasked_still_yields_its_events_as_they_come():
    async def gzip_stream(request: Request, writer: asyncio.StreamWriter) -> None:
        packer = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        writer.write(head(200, SSE | {"Content-Encoding": "gzip"}))
        for i in range(3):
            writer.write(packer.compress(f"event: odds\ndata: {i}\n\n".encode()) + packer.flush(zlib.Z_SYNC_FLUSH))
            await writer.drain()
        await asyncio.sleep(30)  # the stream stays open: the events must not wait for its end

    async with (
        raw_server(gzip_stream) as server,
        async_client(server.url) as http,
        http.stream("GET", "/stream") as response,
    ):
        events = aiter(iter_sse(response))
        got = [(await asyncio.wait_for(anext(events), 2)).data for _ in range(3)]
    assert got == ["0", "1", "2"]
    assert server.requests[0].headers["accept-encoding"] == "identity"


@pytest.mark.parametrize(
    ("encoding", "body", "message"),
    [
        ("br", b"\x8b\x00\x80", "compressed the reply with br"),
        ("zstd", b"\x28\xb5\x2f\xfd", "compressed the reply with zstd"),
        ("gzip", b"\x1f\x8b\x08\x00garbage-not-deflate", "corrupt"),
    ],
)
async def test_an_encoding_not_handled_fails_clearly(encoding, body, message):
    async with raw_server(reply(200, {"Content-Encoding": encoding}, body)) as server, async_client(server.url) as http:
        with pytest.raises(ReplyRefused, match=message):
            await http.get("/x")


async def test_a_redirect_to_another_host_is_not_followed_and_the_key_stays_home():
    async with raw_server(reply(200, {}, b"{}"), host="127.0.0.2") as elsewhere:
        location = f"{elsewhere.url}/steal"
        async with (
            raw_server(reply(307, {"Location": location})) as server,
            async_client(server.url, headers={"X-Api-Key": KEY}, params={"apiKey": KEY}) as http,
        ):
            response = await http.get("/odds")
        assert response.status_code == 307
        assert server.requests[0].headers["x-api-key"] == KEY
        assert elsewhere.requests == []
    failure = failure_for_status(response, "Prov", "set PROV_API_KEY")
    assert "127.0.0.2" in str(failure) and "steal" not in str(failure)


async def test_an_endless_reply_is_cut_at_the_body_cap():
    async def endless(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(head(200, {"Content-Type": "application/json"}) + b'{"data": [')
        while True:
            writer.write(b'{"id": 1},' * 4096)
            await writer.drain()

    async with raw_server(endless) as server, async_client(server.url, max_body=2 * MB) as http:
        with pytest.raises(ReplyRefused, match="grew past"):
            await http.get("/fixtures")


async def test_a_reply_that_trickles_forever_hits_the_total_deadline():
    async def trickle(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(head(200, {"Content-Type": "application/json"}) + b"[")
        while True:
            await writer.drain()
            await asyncio.sleep(0.05)
            writer.write(b" ")

    async with raw_server(trickle) as server, async_client(server.url, timeout=5.0, deadline=0.5) as http:
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout, match=r"no complete reply within 0\.5 s"):
            await http.get("/fixtures")
    assert time.monotonic() - started < 1.5


async def test_an_endless_error_body_on_a_stream_request_is_bounded():
    async def endless_error(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(head(500, {"Content-Type": "text/html"}))
        while True:
            writer.write(b"<p>oops</p>" * 4096)
            await writer.drain()

    async with (
        raw_server(endless_error) as server,
        async_client(server.url) as http,
        http.stream("GET", "/stream") as response,
    ):
        assert response.status_code == 500
        with pytest.raises(ReplyRefused, match="grew past"):
            await response.aread()


# --- rate-limit headers ------------------------------------------------------------------------------------

NOW = 1_790_000_000.0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("garbage", None),
        ("nan", None),
        ("inf", None),
        ("-5", None),
        ("1e400", None),
        ("60", NOW + 60),  # seconds from now
        ("1790000300", 1_790_000_300.0),  # epoch seconds
        ("1790000300000", 1_790_000_300.0),  # epoch milliseconds
        ("1e30", None),  # absurdly far: no plan's window is longer than a day
        (str(NOW + 86_400), NOW + 86_400),  # a daily window resetting a day from now
        (" 30 ", NOW + 30),
    ],
)
def test_x_ratelimit_reset_is_parsed_defensively(header, expected):
    assert parse_reset(header, NOW) == expected


@pytest.mark.parametrize(
    ("floor", "least", "most"),
    [
        (float("nan"), 900.0, 900.0),
        (float("inf"), 900.0, 900.0),
        (-5.0, 0.05, 0.1),
        (1e9, 900.0, 900.0),
        (3.0, 3.0, 3.0),
    ],
)
def test_a_backoff_floor_from_a_server_is_kept_within_bounds(floor, least, most):
    assert least <= Backoff(0.1, rng=random.Random(1)).next_delay(floor) <= most


# --- WebSocket servers -------------------------------------------------------------------------------------


async def test_a_websocket_that_accepts_then_closes_is_backed_off_not_stormed():
    """websockets' own `async for ws in connect()` resets its backoff on every open: about 200 reconnects in 0.2 s."""
    opened = 0

    async def close_at_once(ws) -> None:
        nonlocal opened
        opened += 1
        await ws.close(4003, "too many connections")

    backoff = RecordingBackoff(0.05, cap=5.0)
    reporter, seen = reporter_log()
    async with websockets.serve(close_at_once, "127.0.0.1", 0) as server:
        url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"

        async def session() -> None:
            async with websockets.connect(url, open_timeout=2, close_timeout=1) as ws:
                async for _ in ws:
                    pass

        with pytest.raises(TimeoutError):
            await asyncio.wait_for(reconnect(session, reporter, backoff), 0.8)
    assert 3 <= opened <= 6
    assert any("4003" in e.health.detail for e in seen if isinstance(e, StreamHealthChanged))


@pytest.mark.parametrize(
    ("status", "headers", "state", "floor"),
    [
        (429, {"Retry-After": "7"}, StreamState.RATE_LIMITED, 7.0),
        (429, {}, StreamState.RATE_LIMITED, 1.0),
        (401, {}, StreamState.AUTH_ERROR, None),
        (403, {}, StreamState.AUTH_ERROR, None),
        (404, {}, StreamState.DOWN, None),
        (503, {}, StreamState.RECONNECTING, 0.0),
    ],
)
async def test_a_refused_websocket_handshake_is_read_like_any_http_reply(status, headers, state, floor):
    def refuse(connection, request):
        response = connection.respond(status, f"refused {KEY}\n")
        for name, value in headers.items():
            response.headers[name] = value
        return response

    async with websockets.serve(lambda ws: ws.close(), "127.0.0.1", 0, process_request=refuse) as server:
        url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        with pytest.raises(websockets.InvalidStatus) as refused:
            async with websockets.connect(url, open_timeout=2):
                pass
    verdict = default_verdict(refused.value)
    assert verdict.state is state and KEY not in verdict.reason
    assert isinstance(verdict, Fatal) if floor is None else verdict.floor == floor


async def test_a_websocket_redirect_to_another_host_is_not_followed():
    """websockets alone follows it, extra headers and all (and a login frame would follow); ours stops."""
    keys_elsewhere: list[str | None] = []

    async def record(ws) -> None:
        keys_elsewhere.append(ws.request.headers.get("X-Api-Key"))
        await ws.close()

    async with websockets.serve(record, "127.0.0.2", 0) as elsewhere:
        target = f"ws://127.0.0.2:{elsewhere.sockets[0].getsockname()[1]}/steal?x=1"

        def redirect(connection, request):
            response = connection.respond(302, "moved\n")
            response.headers["Location"] = target
            return response

        async with websockets.serve(lambda ws: ws.close(), "127.0.0.1", 0, process_request=redirect) as server:
            url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/stream"
            async with websockets.connect(url, additional_headers={"X-Api-Key": KEY}, open_timeout=2):
                pass
            assert keys_elsewhere == [KEY]
            with pytest.raises(websockets.InvalidStatus) as refused:
                async with websocket_connect(url, additional_headers={"X-Api-Key": KEY}, open_timeout=2):
                    pass
    assert keys_elsewhere == [KEY]  # nothing more reached the other host
    verdict = default_verdict(refused.value)
    assert isinstance(verdict, Fatal) and verdict.state is StreamState.DOWN
    assert "127.0.0.2" in verdict.reason and "steal" not in verdict.reason
