"""Every example payload of the three OpticOdds docs, verbatim, through the real client code into a Store.

The files in tests/contract/opticodds/ are cut from the docs unchanged (README.md maps each
to its doc section). Where an example is not valid JSON as printed, the verbatim text is fed too
(it must be skipped and counted, never crash), then the closest valid reading, which is named here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from oddstui.config import ProviderSettings
from oddstui.model import FixtureStatus, FrameRejected
from oddstui.odds import OddsFormat
from oddstui.providers.backoff import Backoff
from oddstui.providers.copilot import ParlayClient, ParlayError
from oddstui.providers.errors import StreamFailed
from oddstui.providers.feed import Feed
from oddstui.providers.health import StreamReporter
from oddstui.providers.opticodds import OpticOddsClient, StreamPlan, _StreamState
from oddstui.providers.opticodds_wire import fixture_from_json
from oddstui.secret import Secret
from oddstui.store import Store

DOCS = Path(__file__).parent / "opticodds"
SETTINGS = ProviderSettings("opticodds", Secret("contract-test-key"), "http://127.0.0.1:9/api/v3")


def example(name: str) -> str:
    return (DOCS / name).read_text()


def sse_json(name: str) -> str:
    """Closest valid reading of a doc SSE block whose JSON runs over several lines: all of it after `data: `."""
    return example(name).split("data: ", 1)[1]


class Harness:
    """One client stream state, its feed, and a Store the feed's events are applied to."""

    def __init__(self, kind: str = "odds", sport: str = "basketball") -> None:
        self.feed = Feed()
        self.store = Store()
        self.client = OpticOddsClient(SETTINGS, self.feed, sports=(sport,), books=("Pinnacle",))
        plan = StreamPlan(kind, sport, ("Pinnacle",) if kind == "odds" else ())
        self.state = _StreamState(plan, StreamReporter(plan.name, "opticodds", self.feed.put), Backoff())
        self.rejected: list[str] = []

    def handle(self, name: str, data: str) -> bool:
        applied = self.client._handle(self.state, name, data)
        self.flush()
        return applied

    def flush(self) -> None:
        for event in self.feed.drain():
            if isinstance(event, FrameRejected):
                self.rejected.append(event.reason)
            self.store.apply(event)

    async def read_sse(self, text: str) -> None:
        """The client's own read loop over a doc SSE block (a blank line ends the event)."""
        body = httpx.ByteStream(text.encode() + b"\n")
        response = httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=body)
        with pytest.raises(StreamFailed, match="ended the stream"):
            await self.client._read(self.state, response)
        self.flush()

    def quote(self, key: str) -> dict:
        quote = self.store.quote("opticodds", key)
        assert quote is not None, key
        return {
            name: getattr(quote, name)
            for name in (
                "fixture_id",
                "book",
                "market",
                "selection",
                "decimal",
                "raw",
                "points",
                "group",
                "player",
                "is_main",
                "is_live",
                "locked",
                "stale",
                "ts",
                "limit",
                "deep_link",
                "copilot_id",
                "settlement",
            )
        }


def epoch(iso: str) -> float:
    return dt.datetime.fromisoformat(iso).timestamp()


# --- the SSE guide -------------------------------------------------------------------------

GUIDE_ODD_ID = "28265-17233-24-44:pinnacle:1st_half_moneyline:philadelphia_eagles"
GUIDE_ODD = {
    "fixture_id": "A69FA4D64518",
    "book": "Pinnacle",
    "market": "1st Half Moneyline",
    "selection": "Philadelphia Eagles",
    "decimal": pytest.approx(1 + 100 / 230),
    "raw": -230,
    "points": None,
    "group": "default",
    "player": "",
    "is_main": True,
    "is_live": False,
    "locked": False,
    "stale": False,
    "ts": 1730079534.7125728,
    "limit": 1000.0,
    "deep_link": "https://www.pinnacle.com/...",
    "copilot_id": None,
    "settlement": None,
}


@pytest.mark.parametrize("name", ["guide-connected.sse", "guide-ping.sse", "copilot-connected.sse", "copilot-ping.sse"])
async def test_connected_and_ping_change_nothing_but_set_the_retry_floor(name):
    h = Harness()
    await h.read_sse(example(name))
    assert h.store.quote_count() == 0 and h.rejected == [] and h.state.retry_floor == 5.0


async def test_guide_odds_event_as_printed_is_skipped_and_counted_then_its_payload_applies():
    h = Harness()
    await h.read_sse(example("guide-odds.sse"))  # `"data":[...]` is not JSON
    assert h.rejected == ["odds: not valid JSON"] and h.store.quote_count() == 0
    assert h.handle("odds", example("guide-odds-payload.json"))  # the same event's expanded body
    assert h.quote(GUIDE_ODD_ID) == GUIDE_ODD
    assert h.store.quote_count() == 1 and h.store.is_live_price(h.store.quote("opticodds", GUIDE_ODD_ID))
    assert h.state.last_entry == "1730079534820-2"
    assert not h.handle("odds", example("guide-odds-payload.json"))  # the same (event, entry_id) again
    assert h.state.duplicates == 1


async def test_guide_locked_odds_event_locks_the_selection_at_its_last_price():
    """Closest valid reading: "The data format is identical to odds events" - the guide's odd, locked."""
    h = Harness()
    await h.read_sse(example("guide-locked-odds.sse"))
    assert h.rejected == ["locked-odds: not valid JSON"]
    assert h.handle("odds", example("guide-odds-payload.json"))
    odd = json.loads(example("guide-odds-payload.json"))["data"]
    locked = {"data": odd, "entry_id": "1730079527180-0", "type": "locked-odds"}
    assert h.handle("locked-odds", json.dumps(locked))  # an older entry id, but another event name
    assert h.quote(GUIDE_ODD_ID) == GUIDE_ODD | {"locked": True}
    assert not h.store.is_live_price(h.store.quote("opticodds", GUIDE_ODD_ID))
    assert h.state.last_entry == "1730079534820-2"  # the resume cursor never goes back


def guide_fixture(store: Store, fixture_id: str, home: str, away: str, start: str) -> None:
    store.upsert_fixture(
        "s",
        None,
        fixture_from_json(
            {"id": fixture_id, "home_team_display": home, "away_team_display": away, "start_date": start}
        ),
    )


@pytest.mark.parametrize("source", ["guide-fixture-status-start-time.json", "copilot-fixture-status-start-time.sse"])
async def test_start_time_change(source):
    h = Harness()
    guide_fixture(h.store, "FB0D30DCDD6C", "Miomir Kecmanovic", "Lorenzo Musetti", "2024-08-28T20:20:00+00:00")
    if source.endswith(".sse"):
        await h.read_sse(example(source))  # multi-line JSON: SSE keeps only `data: {` of it
        assert h.rejected == ["fixture-status: not valid JSON"]
        h.rejected.clear()
        data = sse_json(source)
    else:
        data = example(source)
    assert h.handle("fixture-status", data)
    fixture = h.store.fixture(("opticodds", "FB0D30DCDD6C"))
    assert fixture.start == epoch("2024-08-28T20:30:00+00:00") and fixture.status is FixtureStatus.UNPLAYED
    (alert,) = h.store.alerts()
    assert alert.kind == "start time" and alert.fixture_id == "FB0D30DCDD6C" and h.rejected == []


@pytest.mark.parametrize("source", ["guide-fixture-status-cancelled.json", "copilot-fixture-status-cancelled.sse"])
async def test_status_change_to_cancelled(source):
    h = Harness()
    guide_fixture(h.store, "E145B23767E0", "Jessika Ponchet", "Saisai Zheng", "2024-08-27T15:00:00+00:00")
    if source.endswith(".sse"):
        await h.read_sse(example(source))
        assert h.rejected == ["fixture-status: not valid JSON"]
        h.rejected.clear()
        data = sse_json(source)
    else:
        data = example(source)
    assert h.handle("fixture-status", data)
    fixture = h.store.fixture(("opticodds", "E145B23767E0"))
    assert fixture.status is FixtureStatus.CANCELLED and fixture.start == epoch("2024-08-27T15:00:00+00:00")
    (alert,) = h.store.alerts()
    assert alert.kind == "cancelled" and alert.important and h.rejected == []


def test_fixture_results_example_has_no_score_to_read_so_none_is_invented():
    """Closest valid reading of `"score": { ... }` and `[ ... ]` is `{}` and `[]`: no score, never 0-0."""
    h = Harness("results")
    guide_fixture(h.store, "B176303C982E", "Home", "Away", "2024-08-01T00:00:00+00:00")
    assert not h.handle("fixture-results", example("guide-fixture-results.json"))
    assert h.rejected == ["fixture-results: not valid JSON"]
    reading = example("guide-fixture-results.json").replace("{ ... }", "{}").replace("[ ... ]", "[]")
    h.handle("fixture-results", reading)
    assert h.store.fixture(("opticodds", "B176303C982E")).score is None
    assert h.rejected[1:] == ["fixture-results: no readable score (scores.home.total / home.total)"]


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        # NOTES.md: the score of a /fixtures/results item (scores.home.total, in_play.period)
        ({"scores": {"home": {"total": 88}, "away": {"total": 91}}, "in_play": {"period": "4"}}, (88, 91, "4")),
        # the flat shape, accepted too
        ({"home": {"total": 88}, "away": {"total": 91}, "period": 4}, (88, 91, "4")),
    ],
)
def test_fixture_results_example_with_a_score_in_either_shape(score, expected):
    """The doc's event with its elided score filled in per the results schema (both shapes)."""
    h = Harness("results")
    guide_fixture(h.store, "B176303C982E", "Home", "Away", "2024-08-01T00:00:00+00:00")
    reading = json.loads(example("guide-fixture-results.json").replace("{ ... }", "{}").replace("[ ... ]", "[]"))
    reading["data"]["score"] = score
    assert h.handle("fixture-results", json.dumps(reading))
    fixture = h.store.fixture(("opticodds", "B176303C982E"))
    assert (fixture.score.home, fixture.score.away, fixture.score.period) == expected and fixture.is_live


def test_guide_resume_request_is_what_the_client_sends():
    h = Harness()
    h.state.plan = StreamPlan("odds", "basketball", ("DraftKings",))
    want = parse_qsl(urlsplit(example("guide-resume-request.http").split()[1]).query)
    sent = h.client._params(h.state, "1730079534820-2")
    assert set(want) <= set(sent) and ("odds_format", "AMERICAN") in sent  # plus the documented wire format


# --- the Copilot stream doc ----------------------------------------------------------------

COPILOT_OVER = "1:-1:4825158B6424:1st_half_total_points:over_104_5"
COPILOT_HEAT = "1:-1:D86AB59E8025:team_total:miami_heat_over_105_5"


async def test_copilot_odds():
    h = Harness("copilot")
    await h.read_sse(example("copilot-odds.sse"))
    assert h.rejected == ["copilot-odds: not valid JSON"] and h.store.quote_count() == 0
    assert h.handle("copilot-odds", sse_json("copilot-odds.sse"))
    assert h.quote(COPILOT_OVER) == {
        "fixture_id": "4825158B6424",
        "book": "Copilot",
        "market": "1st Half Total Points",
        "selection": "Over 104.5",
        "decimal": pytest.approx(1 + 100 / 196),
        "raw": -196,
        "points": 104.5,
        "group": "default:104.5",
        "player": "",
        "is_main": False,
        "is_live": False,
        "locked": False,
        "stale": False,
        "ts": 1729646525.0,
        "limit": None,
        "deep_link": None,
        "copilot_id": COPILOT_OVER,
        "settlement": None,
    }
    assert h.state.last_entry == "1678113258940-2"  # the payload's entry_id, not the `id:` line


async def test_copilot_locked_then_settled_share_an_entry_id_and_both_apply():
    h = Harness("copilot")
    await h.read_sse(example("copilot-locked-odds.sse"))
    await h.read_sse(example("copilot-settled-odds.sse"))
    assert h.rejected == ["copilot-locked-odds: not valid JSON", "copilot-settled-odds: not valid JSON"]
    assert h.handle("copilot-locked-odds", sse_json("copilot-locked-odds.sse"))
    locked = h.quote(COPILOT_HEAT)
    assert locked["locked"] and locked["raw"] == -103 and locked["points"] == 105.5
    assert (locked["market"], locked["selection"], locked["group"]) == (
        "Team Total",
        "Miami Heat Over 105.5",
        "miami_heat:105.5",
    )
    assert h.handle("copilot-settled-odds", sse_json("copilot-settled-odds.sse"))  # same entry_id 1682600339900-0
    assert h.quote(COPILOT_HEAT) == locked | {"settlement": "Won"}
    assert not h.handle("copilot-settled-odds", sse_json("copilot-settled-odds.sse"))


@pytest.mark.parametrize("word", ["Half Won", "Half Lost", "Void", "Refund", "won"])
def test_copilot_settlement_words_beyond_won_lost_push_are_kept_as_sent(word):
    h = Harness("copilot")
    h.handle("copilot-locked-odds", sse_json("copilot-locked-odds.sse"))
    body = json.loads(sse_json("copilot-settled-odds.sse"))
    odd = body["data"][0]
    body["data"] = [odd | {"settlement": word}, odd | {"id": "x", "settlement": None}]
    assert h.handle("copilot-settled-odds", json.dumps(body))
    assert h.quote(COPILOT_HEAT)["settlement"] == word and len(h.rejected) == 1


def test_copilot_doc_fields_absent_from_examples_or_null_are_optional():
    """The doc table lists every field; the settled example lacks price and points: neither is needed there."""
    h = Harness("copilot")
    body = json.loads(sse_json("copilot-odds.sse"))
    odd = body["data"][0]
    lean = {k: odd[k] for k in ("id", "fixture_id", "market", "name", "price")}
    body["data"] = [lean, odd | {"id": "b", "points": None, "is_main": None, "is_live": None, "selection": None}]
    assert h.handle("copilot-odds", json.dumps(body))
    assert h.store.quote("opticodds", COPILOT_OVER).points is None and h.store.quote("opticodds", "b").is_main
    assert h.rejected == []


# --- the parlay doc ------------------------------------------------------------------------


def parse(body: bytes | str, status: int = 200) -> object:
    content = body.encode() if isinstance(body, str) else body
    return ParlayClient(SETTINGS)._parse(httpx.Response(status, content=content))


def test_parlay_example_response():
    quote = parse(example("parlay-response.json"))
    assert [(leg.id, leg.american) for leg in quote.legs] == [
        ("2:-1:nba:9818DC020C5E:moneyline:atlanta_hawks", 135.0),
        ("2:-1:nba:9818DC020C5E:player_points:aaron_nesmith_under_12_5", -114.0),
    ]
    assert quote.american == 278.0 and quote.decimal == pytest.approx(3.78)
    assert quote.error is None and quote.missing_entries == ()
    assert quote.independent_decimal == pytest.approx(2.35 * (1 + 100 / 114))
    assert quote.correlation_effect < 0  # same-game legs: shorter than the product, as the doc explains


def test_parlay_schema_as_printed_is_refused_and_its_closest_reading_parses():
    with pytest.raises(ParlayError, match="not JSON"):
        parse(example("parlay-response-schema.json"))  # `"price": number`
    reading = re.sub(r"\bnumber\b", "100.0", example("parlay-response-schema.json"))
    quote = parse(reading)
    assert [(leg.id, leg.american) for leg in quote.legs] == [("string", 100.0)] and quote.american == 100.0


@pytest.mark.parametrize(
    "missing",
    [["2:-1:nba:9818DC020C5E:moneyline:atlanta_hawks"], [{"id": "2:-1:nba:9818DC020C5E:moneyline:atlanta_hawks"}]],
)
def test_parlay_missing_entries_and_error_are_optional_fields_of_either_shape(missing):
    body = json.loads(example("parlay-response.json"))
    body["data"] |= {"missing_entries": missing, "price": None, "legs": body["data"]["legs"][1:]}
    quote = parse(json.dumps(body))
    assert quote.missing_entries == ("2:-1:nba:9818DC020C5E:moneyline:atlanta_hawks",) and quote.american is None
    body["data"] |= {"error": "calculation failed", "missing_entries": None}
    assert parse(json.dumps(body)).error == "calculation failed"
    lean = {"data": {"legs": body["data"]["legs"], "price": 278.0}}  # error and missing_entries absent
    assert parse(json.dumps(lean)).american == 278.0


@pytest.mark.parametrize(
    "lie", [{"price": "278"}, {"price": True}, {"price": 50.0}, {"legs": [{"id": 7, "price": 135.0}]}, {"legs": {}}]
)
def test_parlay_values_that_lie_about_types_are_refused(lie):
    body = json.loads(example("parlay-response.json"))
    body["data"] |= lie
    with pytest.raises(ParlayError, match="unexpected shape"):
        parse(json.dumps(body))


async def test_parlay_request_is_the_documented_one():
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=example("parlay-response.json").encode())

    client = ParlayClient(SETTINGS)
    headers = client.http.headers
    await client.aclose()
    client.http = httpx.AsyncClient(base_url=SETTINGS.base_url, headers=headers, transport=httpx.MockTransport(answer))
    url = urlsplit(example("parlay-request-url.txt").strip())
    ids = [value for _, value in parse_qsl(url.query)]
    quote = await client.price(ids)
    await client.aclose()
    (request,) = seen
    assert request.url.path == url.path and parse_qsl(request.url.query.decode()) == parse_qsl(url.query)
    assert request.method == example("parlay-request.http").split()[0]
    assert "contract-test-key" not in str(request.url) and request.headers["x-api-key"] == "contract-test-key"
    assert quote.american == 278.0


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (401, "organization-level"),
        (403, "organization-level"),
        (429, "try again"),
        (400, "rejected"),
        (404, "HTTP 404"),
    ],
)
def test_parlay_http_errors_go_through_the_shared_mapping(status, message):
    with pytest.raises(ParlayError, match=message):
        parse(b'{"message": "nope"}', status)


def test_wire_format_is_one_the_api_documents():
    with pytest.raises(ValueError, match="AMERICAN or DECIMAL"):
        OpticOddsClient(
            SETTINGS, Feed(), sports=("basketball",), books=("Pinnacle",), wire_format=OddsFormat.FRACTIONAL
        )
    h = Harness()
    assert ("odds_format", "AMERICAN") in h.client._params(h.state, None)
    copilot = Harness("copilot")
    assert not any(name == "odds_format" for name, _ in copilot.client._params(copilot.state, None))


@pytest.mark.parametrize(
    ("extra", "drop"),
    [
        ({}, ()),  # the example as printed
        ({"normalized_selection": "philadelphia_eagles", "order_book": [[-230, 500.0], [-235, 1200.0]]}, ()),
        ({"source_ids": {"market_id": "1.23", "selection_id": "456"}, "market_id": "1st_half_moneyline"}, ()),
        ({"limits": None, "deep_link": None, "points": None, "grouping_key": None, "timestamp": None}, ()),
        ({}, ("limits", "deep_link", "points", "grouping_key", "timestamp", "selection", "is_main", "is_live")),
    ],
)
def test_guide_table_fields_the_example_omits_are_optional_either_way(extra, drop):
    """The guide's table lists `normalized_selection`, `order_book`, `source_ids`; N adds `market_id`;
    the optional ones may also be null or absent."""
    h = Harness()
    body = json.loads(example("guide-odds-payload.json"))
    odd = body["data"][0] | extra
    body["data"][0] = {k: v for k, v in odd.items() if k not in drop}
    assert h.handle("odds", json.dumps(body)) and h.rejected == []
    quote = h.store.quote("opticodds", GUIDE_ODD_ID)
    assert quote.decimal == pytest.approx(1 + 100 / 230) and quote.market == "1st Half Moneyline"
