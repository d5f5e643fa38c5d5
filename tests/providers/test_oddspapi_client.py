"""OddsPapi client behaviours the docs require, one by one: frames through `_frame`, REST through a mock
transport, the gateway through a small websockets server on loopback."""

from __future__ import annotations

import asyncio
import json

import httpx
import msgpack
import pytest
import websockets
from websockets.frames import Close

from oddstui.config import ProviderSettings
from oddstui.model import FixtureStatus, Score, StreamHealthChanged, StreamState
from oddstui.providers.base import Fatal, Retry
from oddstui.providers.feed import Feed
from oddstui.providers.oddspapi import OddsPapiClient
from oddstui.providers.oddspapi_rest import PapiRest
from oddstui.secret import Secret
from oddstui.store import Store
from tests.contract.test_oddspapi_contract import Harness

pytestmark = pytest.mark.timeout(30)
FIXTURE = "id1100013262924543"


def outcome(outcome_id: int, price: float | None = 1.9, **fields) -> dict:
    entry = {"bookmaker": "stake", "outcomeId": outcome_id, "playerId": 0, "active": True, "price": price}
    return entry | {"marketActive": True, "changedAt": 1766427330098} | fields


def odds_frame(books: dict[str, list[dict]], entry: int = 1, fixture: str = FIXTURE, kind: str = "UPDATE") -> dict:
    odds = {
        slug: {f"{fixture}:{slug}:{o['outcomeId']}:{o.get('playerId')}": o | {"bookmaker": slug} for o in entries}
        for slug, entries in books.items()
    }
    payload = {"fixtureId": fixture, "odds": odds}
    return {"channel": "odds", "type": kind, "payload": payload, "ts": 1, "entryId": f"1766427330257-{entry}"}


def books_frame(books: dict[str, dict], entry: int = 1, fixture: str = FIXTURE) -> dict:
    flags = {
        slug: {"bookmaker": slug, "hasOdds": True, "staleOdds": False, "suspended": False} | f
        for slug, f in books.items()
    }
    payload = {"fixtureId": fixture, "bookmakers": flags}
    return {"channel": "bookmakers", "type": "UPDATE", "payload": payload, "entryId": f"1766947033889-{entry}"}


def live(h: Harness, slug: str, outcome_id: int) -> bool:
    return h.store.is_live_price(h.store.quote("oddspapi", f"{FIXTURE}:{slug}:{outcome_id}:0"))


def quote(h: Harness, slug: str, outcome_id: int):
    return h.store.quote("oddspapi", f"{FIXTURE}:{slug}:{outcome_id}:0")


# --- odds -----------------------------------------------------------------------------


def test_only_false_is_a_lock_and_null_flags_are_not():
    h = Harness()
    h.snapshot_done()
    h.send(
        odds_frame(
            {
                "stake": [
                    outcome(111, marketActive=None, mainLine=None),
                    outcome(112, active=None),
                    outcome(113, active=False),
                    outcome(114, marketActive=False),
                ]
            }
        )
    )
    assert [live(h, "stake", o) for o in (111, 112, 113, 114)] == [True, True, False, False]
    assert quote(h, "stake", 113).locked and h.rejected == 0


def test_a_market_id_when_sent_groups_the_outcome():
    h = Harness()
    h.send(odds_frame({"stake": [outcome(111, marketId=111), outcome(112, marketId=111)]}))
    assert quote(h, "stake", 112).group == "111" == quote(h, "stake", 111).group
    assert quote(h, "stake", 112).market == "Market 111"  # named once the sport's /markets is in


def test_one_bad_outcome_skips_only_itself():
    h = Harness()
    h.snapshot_done()
    bad = [
        outcome(111, price="1.9"),
        outcome(112, price=0.5),
        outcome(113, active="yes"),
        {"outcomeId": "x", "price": 2.0},
    ]
    h.send(odds_frame({"stake": [*bad, outcome(114)], "pinnacle": [outcome(111, 2.05)]}))
    assert h.rejected == 4
    assert live(h, "stake", 114) and quote(h, "pinnacle", 111).decimal == 2.05
    assert quote(h, "stake", 111) is None


def test_a_lock_without_a_price_locks_the_last_price():
    h = Harness()
    h.snapshot_done()
    h.send(odds_frame({"stake": [outcome(111, 2.2)]}, entry=1))
    h.send(odds_frame({"stake": [outcome(111, None, active=False)]}, entry=2))
    assert quote(h, "stake", 111).locked and quote(h, "stake", 111).decimal == 2.2


@pytest.mark.parametrize("price", [0, 1.0, -1, "n/a"])
@pytest.mark.parametrize("flags", [{"active": False}, {"marketActive": False}])
def test_a_lock_with_a_meaningless_price_still_locks(price, flags):
    """A hard stop with a 0 or 1 price must lock the last price, never be skipped and leave it live."""
    h = Harness()
    h.snapshot_done()
    h.send(odds_frame({"stake": [outcome(111, 2.2)]}, entry=1))
    h.send(odds_frame({"stake": [outcome(111, price, **flags)]}, entry=2))
    assert quote(h, "stake", 111).locked and quote(h, "stake", 111).decimal == 2.2 and h.rejected == 0


@pytest.mark.parametrize("bad", [{"limit": "x"}, {"mainLine": "y"}, {"marketId": "abc"}, {"active": "no"}])
def test_a_lock_with_an_unreadable_field_still_locks(bad):
    h = Harness()
    h.snapshot_done()
    h.send(odds_frame({"stake": [outcome(111, 2.2)]}, entry=1))
    h.send(odds_frame({"stake": [outcome(111, 2.3, marketActive=False) | bad]}, entry=2))
    assert quote(h, "stake", 111).locked and h.rejected == 0


def test_data_frames_whose_type_is_not_update_are_skipped_and_counted():
    h = Harness()
    assert not h.send(odds_frame({"stake": [outcome(111)]}, kind="DELETE"))
    assert h.rejected == 1 and h.store.quote_count() == 0


@pytest.mark.parametrize("encode", [json.dumps, lambda m: json.dumps(m).encode(), msgpack.packb])
def test_text_json_binary_json_and_msgpack_all_decode(encode):
    h = Harness()
    assert h.send(encode(odds_frame({"stake": [outcome(111)]})))
    assert quote(h, "stake", 111).decimal == 1.9


@pytest.mark.parametrize("raw", [b"\xc1\xff", b"{not json", "[1, 2]", msgpack.packb([1, 2]), b"", "null"])
def test_undecodable_or_non_map_frames_are_counted(raw):
    h = Harness()
    assert not h.send(raw)
    assert h.rejected == 1


def test_replayed_entries_are_applied_once():
    h = Harness()
    h.send(odds_frame({"stake": [outcome(111, 2.0)]}, entry=5))
    assert not h.send(odds_frame({"stake": [outcome(111, 3.0)]}, entry=4))
    assert quote(h, "stake", 111).decimal == 2.0 and h.client.duplicates == 1


def test_an_entry_id_from_the_future_never_freezes_its_channel():
    """A cursor ahead of every later entry would drop them all as replays, prices shown live but frozen."""
    h = Harness()
    future = odds_frame({"stake": [outcome(111, 2.0)]})
    future["entryId"] = "99999999999999-1"
    assert h.send(future) and h.rejected == 1  # applied, but not kept as the channel's cursor
    assert h.send(odds_frame({"stake": [outcome(111, 3.0)]}, entry=2))
    assert quote(h, "stake", 111).decimal == 3.0 and h.client.last_seen["odds"] == "1766427330257-2"


# --- bookmakers channel ----------------------------------------------------------------


def test_bookmaker_suspension_locks_every_price_of_that_book_and_lifting_unlocks():
    h = Harness()
    h.snapshot_done()
    h.send(odds_frame({"stake": [outcome(111), outcome(112, active=False)], "pinnacle": [outcome(111)]}))
    h.send(books_frame({"stake": {"suspended": True}, "pinnacle": {}}, entry=1))
    assert not live(h, "stake", 111) and quote(h, "stake", 111).locked and live(h, "pinnacle", 111)
    h.send(odds_frame({"stake": [outcome(111, 1.8)]}, entry=2))  # a new price while suspended stays locked
    assert quote(h, "stake", 111).locked and quote(h, "stake", 111).decimal == 1.8
    h.send(books_frame({"stake": {}, "pinnacle": {}}, entry=2))
    assert live(h, "stake", 111) and not live(h, "stake", 112)  # its own lock outlives the book's


def test_stale_odds_marks_that_books_prices_stale():
    h = Harness()
    h.snapshot_done()
    h.send(odds_frame({"stake": [outcome(111)], "pinnacle": [outcome(111)]}))
    h.send(books_frame({"stake": {"staleOdds": True}, "pinnacle": {}}))
    assert quote(h, "stake", 111).stale and not quote(h, "stake", 111).locked and live(h, "pinnacle", 111)
    h.send(books_frame({"stake": {}, "pinnacle": {}}, entry=2))
    assert live(h, "stake", 111)


@pytest.mark.parametrize("listing", [{"pinnacle": {}}, {"stake": {"hasOdds": False}, "pinnacle": {}}])
def test_a_book_absent_from_the_list_or_without_odds_has_no_prices(listing):
    h = Harness()
    h.snapshot_done()
    h.send(odds_frame({"stake": [outcome(111)], "pinnacle": [outcome(111)]}))
    h.send(books_frame(listing))
    assert quote(h, "stake", 111).locked and live(h, "pinnacle", 111)


@pytest.mark.parametrize("flags", [{"suspended": True, "staleOdds": "x"}, {"hasOdds": False, "suspended": "no"}])
def test_a_book_stop_with_an_unreadable_flag_beside_it_still_locks(flags):
    h = Harness()
    h.snapshot_done()
    h.send(odds_frame({"stake": [outcome(111)]}))
    h.send(books_frame({"stake": flags}))
    assert quote(h, "stake", 111).locked and h.rejected == 0


def test_bookmakers_frame_before_any_odds_applies_to_later_prices():
    h = Harness()
    h.snapshot_done()
    h.send(books_frame({"stake": {"suspended": True}}))
    h.send(odds_frame({"stake": [outcome(111)]}))
    assert quote(h, "stake", 111).locked


# --- fixtures and scores ---------------------------------------------------------------


def fixture_frame(status: dict, entry: int, scores: dict | None = None) -> dict:
    payload = {
        "fixtureId": FIXTURE,
        "status": status,
        "sport": {"sportId": 11, "sportName": "Basketball"},
        "tournament": {"tournamentId": 132, "tournamentName": "NBA", "categoryName": "USA"},
        "startTime": 1766426400,
        "participants": {"participant1Name": "Home", "participant2Name": "Away"},
    }
    if scores is not None:
        payload["scores"] = scores
    return {"channel": "fixtures", "type": "UPDATE", "payload": payload, "entryId": f"1766427343630-{entry}"}


def test_status_ids_map_only_as_documented():
    h = Harness()
    h.send(fixture_frame({"live": True, "statusId": 1, "statusName": "Live"}, 1))
    fixture = h.store.fixture(("oddspapi", FIXTURE))
    assert fixture.status is FixtureStatus.LIVE
    h.send(fixture_frame({"live": False, "statusId": 2, "statusName": None}, 2))  # an id the docs never define
    fixture = h.store.fixture(("oddspapi", FIXTURE))
    assert fixture.status is FixtureStatus.LIVE and h.client.unknown_status_ids == 1 and h.rejected == 1
    h.send(fixture_frame({"live": False, "statusId": 7, "statusName": "Finished"}, 3))  # the name says it
    assert h.store.fixture(("oddspapi", FIXTURE)).status is FixtureStatus.COMPLETED
    h.send(fixture_frame({"live": False, "statusId": None, "statusName": "Postponed"}, 4))
    assert h.store.fixture(("oddspapi", FIXTURE)).status is FixtureStatus.POSTPONED
    h.send(fixture_frame({"live": False, "statusId": 0, "statusName": None}, 5))
    assert h.store.fixture(("oddspapi", FIXTURE)).status is FixtureStatus.UNPLAYED


@pytest.mark.parametrize("start", [1e308, -1e308, 1766427300000])
def test_a_start_time_out_of_range_is_skipped_and_counted(start):
    """`startTime` is epoch seconds (Core Concepts): 1e308 would crash the clock shown, and ms are not seconds."""
    h = Harness()
    frame = fixture_frame({"live": True, "statusId": 1}, 1)
    frame["payload"]["startTime"] = start
    assert not h.send(frame)
    assert h.rejected == 1 and h.store.fixture(("oddspapi", FIXTURE)) is None


def test_a_finished_fixture_has_no_live_price():
    h = Harness()
    h.snapshot_done()
    h.send(odds_frame({"stake": [outcome(111)]}))
    h.send(fixture_frame({"live": False, "statusId": None, "statusName": "Finished"}, 1))
    assert quote(h, "stake", 111).locked


def scores_frame(scores: dict, entry: int) -> dict:
    payload = {"fixtureId": FIXTURE, "scores": scores}
    return {"channel": "scores", "type": "UPDATE", "payload": payload, "entryId": f"1766939805321-{entry}"}


def test_scores_without_result_apply_what_they_carry():
    h = Harness()
    h.send(fixture_frame({"live": True, "statusId": 1, "statusName": "Live"}, 1))
    assert h.send(scores_frame({"p2": {"period": "p2", "participant1Score": 3, "participant2Score": 1}}, 1))
    assert h.store.fixture(("oddspapi", FIXTURE)).score is None and h.client.scores_without_totals == 1
    result = {"period": "result", "participant1Score": 50, "participant2Score": 48}
    h.send(scores_frame({"result": result}, 2))
    h.send(scores_frame({"p3": {"period": "p3", "participant1Score": 2, "participant2Score": 0}}, 3))
    assert h.store.fixture(("oddspapi", FIXTURE)).score == Score(50, 48, "p3") and h.rejected == 0


def test_a_fixture_update_without_scores_keeps_the_known_score():
    h = Harness()
    result = {"result": {"period": "result", "participant1Score": 4, "participant2Score": 2}}
    h.send(fixture_frame({"live": True, "statusId": 1}, 1, scores=result))
    h.send(fixture_frame({"live": True, "statusId": 1}, 2, scores={}))
    assert h.store.fixture(("oddspapi", FIXTURE)).score == Score(4, 2)


# --- resume --------------------------------------------------------------------------------


def login_ok(replay: list[str], window: int = 3000, epoch: str = "e1") -> dict:
    resume = {"serverEpoch": epoch, "resumeWindowMs": window, "replayChannels": replay, "serverEntryIds": {}}
    return {"type": "login_ok", "resume": resume}


def test_after_a_reconnect_channels_that_cannot_replay_are_rebuilt_and_stale_until_then(monkeypatch):
    h = Harness()
    h.send(login_ok(["fixtures", "scores"], window=3000))
    h.client._want_fixtures = False
    h.snapshot_done()
    h.send(odds_frame({"stake": [outcome(111)]}))
    now_ms = 1766427330257 + 1000
    monkeypatch.setattr("oddstui.providers.oddspapi.time.time", lambda: now_ms / 1000)
    h.client.last_seen |= {"scores": "1766427330257-7", "fixtures": "1766427320000-3"}  # 1 s and 11 s old
    h.client.connections = 1
    h.client._prepare_resume()
    for event in h.feed.drain():
        h.store.apply(event)
    login = json.loads(h.client._login())
    assert login["serverEpoch"] == "e1" and login["lastSeenId"] == {"scores": "1766427330257-7"}
    assert quote(h, "stake", 111).stale  # odds cannot replay: stale until its REST snapshot
    assert h.client.book.pending_all and h.client._want_fixtures  # fixtures' cursor was too old


def test_a_new_server_epoch_rebuilds_everything():
    h = Harness()
    h.send(login_ok(["fixtures", "scores"], epoch="e1"))
    h.client._want_fixtures = False
    h.snapshot_done()
    h.send(odds_frame({"stake": [outcome(111)]}))
    h.client.last_seen["scores"] = "1766427330257-7"
    h.send(login_ok(["fixtures", "scores"], epoch="e2"))
    assert not h.client.last_seen and h.client._want_fixtures and quote(h, "stake", 111).stale


def test_close_codes():
    verdict = OddsPapiClient._verdict
    closed = lambda code: websockets.ConnectionClosed(Close(code, "x"), None)  # noqa: E731
    assert isinstance(verdict(closed(4001)), Fatal)
    assert verdict(closed(4003)) == Retry("closed 4003 x", 30.0) and verdict(closed(4002)).floor == 5.0
    assert verdict(closed(1011)) is None and verdict(None) is None
    reason = lambda code, text: websockets.ConnectionClosed(Close(code, text), None)  # noqa: E731
    assert isinstance(verdict(reason(1008, "login_failed")), Fatal)
    assert verdict(reason(1008, "too_many_connections")).floor == 30.0


# --- REST --------------------------------------------------------------------------------------


def test_pages_are_followed_and_a_bare_list_is_the_whole_answer():
    pages = {None: {"data": [1, 2], "page": 1, "totalPages": 3}, "2": {"data": [3], "page": 2, "totalPages": 3}}
    pages["3"] = {"data": [4], "page": 3, "totalPages": 3}
    seen = []

    def respond(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path == "/en/list":
            return httpx.Response(200, json=[9])
        return httpx.Response(200, json=pages[request.url.params.get("page")])

    async def run() -> tuple[list, list]:
        async with httpx.AsyncClient(base_url="http://t", transport=httpx.MockTransport(respond)) as http:
            rest = PapiRest(http)
            return await rest.pages("/fixtures", {"sportId": 11}), await rest.pages("/list", {})

    assert asyncio.run(run()) == ([1, 2, 3, 4], [9])
    assert seen == ["/en/fixtures"] * 3 + ["/en/list"]


class Gateway:
    """A loopback gateway that answers each login with the frames a test gives it."""

    def __init__(self, replies: list[str | bytes], close: int | None = None, reason: str = "closing") -> None:
        self.replies = replies
        self.close = close
        self.reason = reason
        self.logins: list[dict] = []

    async def handler(self, ws) -> None:
        self.logins.append(json.loads(await ws.recv()))
        for reply in self.replies:
            await ws.send(reply)
        if self.close is not None:
            await ws.close(self.close, self.reason)
        else:
            await ws.wait_closed()


async def run_client(
    gateway: Gateway, respond, seconds: float, sports: tuple[str, ...] = ("basketball",)
) -> tuple[OddsPapiClient, Store, list[tuple]]:
    """Run a client against `gateway` (WebSocket) and `respond` (REST) for at most `seconds`."""
    async with websockets.serve(gateway.handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        settings = ProviderSettings("oddspapi", Secret("client-test-key"), "http://t", f"ws://127.0.0.1:{port}")
        feed = Feed()
        client = OddsPapiClient(settings, feed, sports=sports, backoff_base=0.05)
        client.http = httpx.AsyncClient(base_url="http://t", transport=httpx.MockTransport(respond))
        client.rest = PapiRest(client.http)
        task = asyncio.create_task(client.run())
        await asyncio.wait({task}, timeout=seconds)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    store = Store()
    health = []
    for event in feed.drain():
        store.apply(event)
        if isinstance(event, StreamHealthChanged):
            health.append((event.health.state, event.health.detail))
    return client, store, health


def rest_ok(log: list[str], fail_first: int = 0):
    def respond(request: httpx.Request) -> httpx.Response:
        log.append(f"{request.url.path}?{request.url.params}")
        path = request.url.path
        if path == "/en/fixtures" and fail_first and log.count(log[-1]) <= fail_first:
            return httpx.Response(503, json={"error": 503, "message": "rate limiter unavailable"})
        if path == "/en/fixtures/odds":
            market = {"outcomes": {"111": {"players": {"0": {"price": 1.95, "active": True, "changedAt": 1}}}}}
            return httpx.Response(
                200, json={"bookmakerOdds": {"stake": {"suspended": False, "markets": {"111": market}}}}
            )
        if path == "/en/fixtures":
            return httpx.Response(200, json=[fixture_frame({"live": True, "statusId": 1}, 1)["payload"]])
        return httpx.Response(200, json=[])

    return respond


async def test_login_failed_is_shown_once_and_ends_the_provider():
    gateway = Gateway([json.dumps({"type": "login_failed", "message": "invalid apiKey"})])
    log: list[str] = []
    _, _, health = await run_client(gateway, rest_ok(log), 3.0)
    assert len(gateway.logins) == 1 and not log
    errors = [h for h in health if h[0] is StreamState.AUTH_ERROR]
    assert len(errors) == 1 and "ODDSPAPI_API_KEY" in errors[0][1] and "client-test-key" not in errors[0][1]
    assert "books" in errors[0][1]  # "bookmakers not allowed" is a login_failed cause too (Troubleshooting)


@pytest.mark.parametrize("code", [1008, 4000, 4001])
async def test_a_login_failed_close_without_a_message_ends_the_provider(code):
    """The docs name `login_failed` but neither its close code nor whether a message precedes the close."""
    gateway = Gateway([], close=code, reason="login_failed")
    _, _, health = await run_client(gateway, rest_ok([]), 1.5)
    assert len(gateway.logins) == 1
    assert [state for state, _ in health].count(StreamState.AUTH_ERROR) == 1


async def test_login_ok_need_not_be_first_and_the_first_snapshot_is_retried_with_backoff():
    odds = json.dumps(odds_frame({"stake": [outcome(111, 1.9)]}))
    gateway = Gateway([json.dumps({"type": "resume_complete"}), odds, json.dumps(login_ok(["fixtures", "scores"]))])
    log: list[str] = []
    _, store, health = await run_client(gateway, rest_ok(log, fail_first=2), 2.5)
    fixtures_calls = [entry for entry in log if entry.startswith("/en/fixtures?")]
    assert len(fixtures_calls) == 3 and all("sportId=11" in c for c in fixtures_calls)
    assert "/en/markets?sportId=11" in log
    states = [state for state, _ in health]
    assert StreamState.STALE in states and states[-1] is StreamState.LIVE
    assert any("snapshot failed" in detail for _, detail in health)
    snapshot = store.quote("oddspapi", f"{FIXTURE}:stake:111:0")
    assert snapshot.decimal == 1.95 and store.is_live_price(snapshot)  # asked for after the stream's frame: newer


async def test_a_401_from_rest_ends_the_provider_and_is_not_lost_in_a_task():
    gateway = Gateway([json.dumps(login_ok(["fixtures", "scores"]))])

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": 401, "message": "invalid apiKey", "code": "invalid_api_key"})

    _, _, health = await run_client(gateway, respond, 3.0)
    assert len(gateway.logins) == 1
    assert [h for h in health if h[0] is StreamState.AUTH_ERROR]


async def test_a_sport_whose_fixtures_are_refused_is_skipped_not_the_provider():
    """A 400/422 on one sport's `/fixtures` (an id the docs never list) must not end the others' stream."""
    gateway = Gateway([json.dumps(login_ok(["fixtures", "scores"]))])
    log: list[str] = []
    ok = rest_ok(log)

    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/en/fixtures" and request.url.params.get("sportId") == "12":
            log.append("refused")
            return httpx.Response(400, json={"error": 400, "message": "Invalid filters.", "code": "invalid_filters"})
        return ok(request)

    _, store, health = await run_client(gateway, respond, 1.5, sports=("basketball", "tennis"))
    assert log.count("refused") == 1 and store.fixture(("oddspapi", FIXTURE)) is not None
    assert health[-1][0] is StreamState.LIVE and len(gateway.logins) == 1
    assert store.stats("oddspapi:ws").malformed == 1


async def test_a_4003_close_backs_off_for_at_least_30_s():
    gateway = Gateway([json.dumps({"type": "too_many_connections"})], close=4003)
    _, _, health = await run_client(gateway, rest_ok([]), 1.5)
    assert len(gateway.logins) == 1
    assert health[-1][0] is StreamState.RECONNECTING and "4003" in health[-1][1]


def test_a_snapshot_never_overwrites_what_the_stream_sent_after_it_was_asked_for():
    h = Harness()
    h.send(odds_frame({"stake": [outcome(111, 1.5), outcome(112, 2.5)]}, entry=1))

    def respond(request: httpx.Request) -> httpx.Response:
        h.client._frame(json.dumps(odds_frame({"stake": [outcome(111, 1.7)]}, entry=2)))  # arrives meanwhile
        players = {str(o): {"players": {"0": {"price": 1.6, "active": True}}} for o in (111, 112)}
        book = {"suspended": False, "markets": {"111": {"outcomes": players}}}
        return httpx.Response(200, json={"bookmakerOdds": {"stake": book}})

    async def snapshot() -> None:
        async with httpx.AsyncClient(base_url="http://t", transport=httpx.MockTransport(respond)) as http:
            h.client.rest = PapiRest(http)
            h.client.book.pending_all = False
            h.client.book.pending = {FIXTURE}
            await h.client._snapshot_odds(FIXTURE)

    asyncio.run(snapshot())
    h.send({"type": "resume_complete"})
    assert quote(h, "stake", 111).decimal == 1.7 and quote(h, "stake", 112).decimal == 1.6
    assert live(h, "stake", 111) and live(h, "stake", 112) and quote(h, "stake", 112).group == "111"
