"""`oddstui scan --json` against the simulator on loopback: every signal line recomputes from its own legs."""

from __future__ import annotations

import io
import json
from typing import ClassVar

import pytest

from oddstui import cli
from oddstui.scan import ScanOptions, scan
from oddstui.signals import ScanSettings, SignalKind
from oddstui.store import Store
from tests.providers.conftest import settings_for, start_sim


class RecordingStore(Store):
    """The scan's store, kept for a look afterwards, counting its eviction passes."""

    made: ClassVar[list[RecordingStore]] = []

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.eviction_checks = 0
        RecordingStore.made.append(self)

    def evict_due(self) -> int:
        self.eviction_checks += 1
        return super().evict_due()


@pytest.fixture(scope="module")
def lines():
    import asyncio

    server = start_sim(rate=2000, fixtures_per_league=1)
    try:
        out, err = io.StringIO(), io.StringIO()
        settings = settings_for(server, "opticodds")
        options = ScanOptions(seconds=3.0, json=True, refresh=0.25)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("oddstui.scan.Store", RecordingStore)
            code = asyncio.run(
                scan(settings, options, ScanSettings(stake=100.0, unit=5.0), out, err, backoff_base=0.05)
            )
    finally:
        server.stop()
    assert code == 0, err.getvalue()
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_the_scan_records_no_line_history_and_evicts_as_it_goes(lines):
    [store] = RecordingStore.made
    assert store.quote_count() > 0 and store.eviction_checks > 1
    assert len(store.history) == 0 and {q.history for q in store.quotes()} == {-1}


def test_arbitrages_recompute_from_their_legs(lines):
    arbs = [line for line in lines if line["kind"] == "arb" and line["change"] != "gone"]
    assert arbs, "the simulated market showed no arbitrage in 3 s"
    for arb in arbs:
        prices = [leg["price_decimal"] for leg in arb["legs"]]  # rounded to 6 digits in the JSON
        implied = sum(1 / p for p in prices)
        assert implied < 1 + 1e-6 and len({leg["book"] for leg in arb["legs"]}) > 1
        assert arb["edge_pct"] == pytest.approx((1 / implied - 1) * 100, abs=1e-3)
        stakes = arb["stakes"]
        # equal returns: each exact stake times its price is the payout; rounded to fives
        for stake, price in zip(stakes["exact"], prices, strict=True):
            assert stake * price == pytest.approx(stakes["payout"], abs=0.005 * price + 0.01)  # stakes to cents
        assert all(s % 5 == 0 for s in stakes["rounded"])
        rounded = min(s * p for s, p in zip(stakes["rounded"], prices, strict=True))
        assert stakes["rounded_payout"] == pytest.approx(rounded, abs=0.01)


def test_positive_ev_recomputes_from_its_leg_and_names_its_fair_source(lines):
    evs = [line for line in lines if line["kind"] == "ev" and line["change"] != "gone"]
    assert evs, "the simulated market showed no +EV price in 3 s"
    for ev in evs:
        (leg,) = ev["legs"]
        assert ev["fair_source"] and leg["fair_source"] == ev["fair_source"]
        assert ev["edge_pct"] == pytest.approx((leg["price_decimal"] / ev["fair_decimal"] - 1) * 100, abs=1e-3)
        assert ev["edge_pct"] > 0


def test_every_line_carries_the_fields_and_a_signal_goes_only_after_it_came(lines):
    fields = {"kind", "provider", "fixture_id", "league", "market", "points", "legs", "fair_decimal"}
    fields |= {"fair_source", "edge_pct", "stakes", "ts", "change"}
    seen = set()
    for line in lines:
        assert fields <= set(line)
        assert {"selection", "book", "price_decimal", "price_american"} <= set(line["legs"][0])
        assert line["kind"] in {k.value for k in SignalKind}
        key = (
            line["kind"],
            line["fixture_id"],
            line["market"],
            tuple((g["selection"], g["book"]) for g in line["legs"]),
        )
        if line["change"] == "new":
            seen.add(key)
        else:
            assert key in seen


def test_the_scan_command_is_registered_with_its_options():
    args = cli.build_parser().parse_args(
        ["scan", "--kind", "arb", "--kind", "ev", "--min-edge", "1.5", "--stake", "250", "--for", "2", "--json"]
    )
    assert (args.kind, args.min_edge, args.stake, args.seconds, args.json) == (["arb", "ev"], 1.5, 250.0, 2.0, True)
