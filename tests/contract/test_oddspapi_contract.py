"""Every example payload of the OddsPapi docs, verbatim from tests/contract/oddspapi/, through the real client.

Frames go through `OddsPapiClient._frame` (as text JSON, as JSON bytes in a binary frame, and as
MessagePack), the feed is drained into a `Store`, and the test asserts what the store holds.
Error bodies go through the client's REST wrapper. README.md maps each file to its section.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import msgpack
import pytest

from oddstui.config import ProviderSettings
from oddstui.model import FixtureStatus, Score
from oddstui.providers.errors import AuthFailed, RateLimited, RequestRejected, StreamFailed
from oddstui.providers.feed import Feed
from oddstui.providers.oddspapi import OddsPapiClient
from oddstui.providers.oddspapi_rest import PapiRest
from oddstui.secret import Secret
from oddstui.store import Store

EXAMPLES = Path(__file__).parent / "oddspapi"
ENCODINGS = ("text", "json-bytes", "msgpack")


def example(name: str) -> str:
    return (EXAMPLES / f"{name}.json").read_text()


def encode(text: str, encoding: str) -> str | bytes:
    if encoding == "text":
        return text
    if encoding == "json-bytes":
        return text.encode()
    return msgpack.packb(json.loads(text))


class Harness:
    """A real OddsPapiClient whose feed is applied to a real Store after every frame."""

    def __init__(self, books: tuple[str, ...] = ()) -> None:
        settings = ProviderSettings(
            "oddspapi", Secret("contract-key-0000"), "http://127.0.0.1:9", "ws://127.0.0.1:9/ws"
        )
        self.feed = Feed()
        self.client = OddsPapiClient(settings, self.feed, books=books)
        self.store = Store(clock=lambda: 1_766_000_000.0)

    def send(self, raw: str | bytes | dict) -> bool:
        if isinstance(raw, dict):
            raw = json.dumps(raw)
        applied = self.client._frame(raw)
        for event in self.feed.drain():
            self.store.apply(event)
        return applied

    def snapshot_done(self) -> None:
        """As if the first REST snapshot had come in with nothing for these fixtures."""
        self.client.book.pending_all = False
        self.client._emit(*self.client.book.render())
        self.send({"type": "resume_complete"})

    @property
    def rejected(self) -> int:
        return self.store.stats("oddspapi:ws").malformed


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_traditional_odds_example(encoding):
    h = Harness()
    assert h.send(encode(example("channel-odds-traditional"), encoding))
    quote = h.store.quote("oddspapi", "id1100013262924543:stake:111:0")
    assert quote is not None and h.rejected == 0
    assert (quote.decimal, quote.book, quote.locked, quote.is_main, quote.ts) == (
        1.91,
        "Stake",
        False,
        True,
        1766427330.098,
    )
    assert quote.stale, "no snapshot yet: the price must not read as live"
    assert not h.store.is_live_price(quote)
    h.snapshot_done()
    assert h.store.is_live_price(h.store.quote("oddspapi", "id1100013262924543:stake:111:0"))
    assert h.client.last_seen == {"odds": "1766427330257-84805"}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_prediction_market_example_without_market_id_or_main_line(encoding):
    """`marketId` and `mainLine` are in the outcome table but not in this example: both optional."""
    h = Harness()
    assert h.send(encode(example("channel-odds-prediction-market"), encoding))
    quote = h.store.quote("oddspapi", "id1100064864029581:polymarket:112:0")
    assert quote is not None and h.rejected == 0
    assert (quote.decimal, quote.limit, quote.locked, quote.is_main) == (6.369, 4.71, False, True)
    assert quote.group == "outcome:112"  # no marketId and no /markets index yet: never guessed
    assert 11 in h.client._want_sports  # the /markets index of the sport in the id is asked for


def test_market_id_from_the_cached_markets_index():
    h = Harness()
    h.client.names.update(11, [{"marketId": 111, "marketName": "Moneyline", "outcomes": [
        {"outcomeId": 111, "outcomeName": "1"}, {"outcomeId": 112, "outcomeName": "2"}]}])  # fmt: skip
    h.send(example("channel-odds-prediction-market"))
    quote = h.store.quote("oddspapi", "id1100064864029581:polymarket:112:0")
    assert (quote.market, quote.selection, quote.group) == ("Moneyline", "2", "111")


def test_meta_fragment_is_accepted_inside_an_outcome():
    """The `meta` example is a fragment, not a frame: its closest valid reading is an outcome's `meta` field."""
    frame = json.loads(example("channel-odds-traditional"))
    outcome = frame["payload"]["odds"]["stake"]["id1100013262924543:stake:111:0"]
    outcome.update(json.loads(example("channel-odds-meta")))
    h = Harness()
    assert h.send(frame) and h.rejected == 0
    assert h.store.quote("oddspapi", "id1100013262924543:stake:111:0").decimal == 1.91


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_fixtures_example(encoding):
    h = Harness()
    assert h.send(encode(example("channel-fixtures"), encoding))
    fixture = h.store.fixture(("oddspapi", "id1000046363014481"))
    assert fixture is not None and h.rejected == 0
    assert (fixture.sport, fixture.league, fixture.home, fixture.away, fixture.start) == (
        "soccer",
        "AFC Champions League Elite",
        "Al Shorta SC",
        "Al Ahli Saudi FC",
        1766427300.0,
    )
    assert (fixture.status, fixture.is_live, fixture.score) == (FixtureStatus.LIVE, True, None)
    assert fixture.external_ids["opticoddsId"] == "20251222AF56C9CD"
    assert fixture.external_ids["betradarId"] == "63014481" and "oddinId" not in fixture.external_ids


def test_fixtures_example_with_a_result():
    h = Harness()
    assert h.send(example("channel-fixtures-scores-result"))
    fixture = h.store.fixture(("oddspapi", "id1102138464027567"))
    assert (fixture.status, fixture.is_live, fixture.score) == (FixtureStatus.UNPLAYED, False, Score(7, 2))
    assert fixture.sport == "basketball" and h.rejected == 0


def _fixture_frame(fixture_id: str) -> dict:
    frame = json.loads(example("channel-fixtures"))
    frame["payload"]["fixtureId"] = fixture_id
    frame["entryId"] = "1766427338743-1"
    return frame


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_scores_result_example(encoding):
    h = Harness()
    h.send(_fixture_frame("id1500025662664057"))
    assert h.send(encode(example("channel-scores-result"), encoding))
    assert h.store.fixture(("oddspapi", "id1500025662664057")).score == Score(2, 1)
    assert h.rejected == 0


def test_scores_multiple_periods_example():
    """The latest period by `updatedAt` names the period; `result` gives the totals, as sent."""
    h = Harness()
    h.send(_fixture_frame("id2503637767171366"))
    assert h.send(example("channel-scores-periods"))
    assert h.store.fixture(("oddspapi", "id2503637767171366")).score == Score(0, 0, "p1")


def test_bookmakers_example_keeps_a_live_book_live():
    h = Harness()
    odds = json.loads(example("channel-odds-traditional"))
    odds["payload"]["fixtureId"] = "id1500026861811720"
    h.send(odds)
    h.snapshot_done()
    assert h.send(example("channel-bookmakers")) and h.rejected == 0
    quote = h.store.quote("oddspapi", "id1500026861811720:stake:111:0")
    assert h.store.is_live_price(quote)
    assert h.client.book.flags[("id1500026861811720", "stake")].priced


@pytest.mark.parametrize("name", ["channel-futures", "channel-bookmakersFutures", "channel-currencies"])
def test_channels_not_subscribed_are_skipped_and_counted(name):
    h = Harness()
    assert not h.send(example(name))
    assert h.rejected == 1 and h.store.quote_count() == 0 and not h.store.all_fixtures()


def test_overview_envelope_placeholder_is_skipped_and_counted():
    """The envelope's payload is a placeholder (`{"...": "..."}`): a scores payload without fixtureId."""
    h = Harness()
    assert not h.send(example("overview-envelope"))
    assert h.rejected == 1


def test_login_ok_from_the_resume_and_access_examples():
    """Neither example is a whole frame: the closest valid reading is a `login_ok` carrying both blocks."""
    h = Harness()
    login_ok = (
        {"type": "login_ok"} | json.loads(example("auth-access")) | json.loads(example("resume-login-ok-resume-block"))
    )
    assert not h.send(login_ok)
    client = h.client
    assert client.logged_in and h.rejected == 0
    assert client.epoch == "0804ab61513c4681a3afd8afc1fb2f75"
    assert client.replay_channels == {"fixtures", "scores"} and client.resume_window_ms == 3000


@pytest.mark.parametrize("encoding", ["text", "json-bytes"])
def test_access_example_on_its_own_is_quietly_accepted(encoding):
    """The doc shows the access notice as a bare object: it may come as its own frame, and is not malformed."""
    h = Harness()
    assert not h.send(encode(example("auth-access"), encoding))
    assert h.rejected == 0 and not h.client.logged_in  # only `login_ok` logs in


def test_resume_login_sends_cursors_only_for_replay_channels():
    h = Harness()
    h.send({"type": "login_ok"} | json.loads(example("resume-login-ok-resume-block")))
    h.client.last_seen = {"scores": "1766418736962-198", "odds": "1766427330257-84805"}
    login = json.loads(h.client._login())
    doc = json.loads(example("resume-login"))
    assert login["serverEpoch"] == doc["serverEpoch"]
    assert login["lastSeenId"] == doc["lastSeenId"]  # odds cannot replay: its cursor is never sent
    assert set(doc["channels"]) <= set(login["channels"]) and login["type"] == "login"


def test_persisted_cursors_have_the_documented_shape():
    h = Harness()
    scores = json.loads(example("channel-scores-result"))
    scores["entryId"] = "1766418736962-198"
    fixtures = json.loads(example("channel-fixtures"))
    fixtures["entryId"] = "1766414833582-2542"
    h.send(fixtures)
    h.send(scores)
    assert h.client.last_seen == json.loads(example("resume-persisted-cursors"))


def test_resume_complete_is_quietly_accepted():
    h = Harness()
    assert not h.send(example("resume-complete")) and h.rejected == 0


def test_snapshot_required_example_rebuilds_only_the_listed_channel():
    h = Harness()
    h.send(example("channel-odds-traditional"))
    h.snapshot_done()
    h.client._want_fixtures = False
    h.client.last_seen["scores"] = "1766418736962-198"
    assert not h.send(example("resume-snapshot-required")) and h.rejected == 0
    assert "scores" not in h.client.last_seen and h.client._want_fixtures
    assert h.client.epoch == "0804ab61513c4681a3afd8afc1fb2f75"
    assert h.store.is_live_price(h.store.quote("oddspapi", "id1100013262924543:stake:111:0"))  # odds untouched


@pytest.mark.parametrize("name", ["quickstart-login", "auth-login", "auth-login-filters", "auth-login-bookmakers"])
def test_client_login_uses_only_documented_fields(name):
    """Our login has the documented fields and types of every login example."""
    doc = json.loads(example(name))
    ours = json.loads(Harness(books=("stake", "pinnacle")).client._login())
    documented = {"type", "apiKey", "channels", "sportIds", "tournamentIds", "fixtureIds", "futureIds"}
    documented |= {"bookmakers", "lang", "receiveType", "clientName", "serverEpoch", "lastSeenId"}
    assert set(ours) <= documented and set(doc) <= documented
    for field, value in doc.items():
        if field in ours:
            assert type(ours[field]) is type(value), field
    assert ours["receiveType"] in ("json", "binary") and ours["type"] == "login"


ERRORS = {
    "errors-format": AuthFailed,
    "errors-400": RequestRejected,
    "errors-401-missing": AuthFailed,
    "errors-401-invalid": AuthFailed,
    "errors-403": AuthFailed,
    "errors-422": RequestRejected,
    "errors-429": RateLimited,
    "rate-limits-429": RateLimited,
    "errors-503": StreamFailed,
}


@pytest.mark.parametrize(("name", "expected"), ERRORS.items())
def test_error_examples_map_to_what_the_client_does(name, expected):
    body = json.loads(example(name))
    headers = {"Retry-After": "1", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1700000000"}

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(body["error"], headers=headers if body["error"] == 429 else {}, json=body)

    async def call() -> BaseException:
        http = httpx.AsyncClient(base_url="http://oddspapi.test", transport=httpx.MockTransport(respond))
        try:
            await PapiRest(http).get("/fixtures", {"sportId": 10})
        except Exception as exc:
            return exc
        finally:
            await http.aclose()
        raise AssertionError("no failure raised")

    failure = asyncio.run(call())
    assert type(failure) is expected
    assert body["message"] in str(failure)  # the server's reason is shown, bounded
    if expected is RateLimited:
        assert failure.wait == 1.0
    if expected is AuthFailed:
        assert "ODDSPAPI_API_KEY" in str(failure)
