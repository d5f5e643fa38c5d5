"""Steam and the user's price alerts, fed from the store once per refresh. Pure: no I/O, no UI.

Steam is judged on every price move the store recorded since the last refresh, and on the quotes its change
log (`Store.watch`) names, for main lines. EV and arbitrage alerts are judged at every refresh on each market
whose quotes changed (a market no rule covers costs nothing), so one fires at the refresh after the price
that made it true, within a budget (MARKET_BUDGET) only a rule covering every market at full load reaches.
Price and move alerts are judged on the fixtures whose prices changed, oldest change first, for at most
`budget` seconds per refresh: the rest wait for the next one. What fires goes into the store's alert log.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from oddstui.alert_rule import AlertRule, Price, american
from oddstui.market_view import FixtureRef
from oddstui.price_alerts import DEFAULT_SCAN, PriceAlerts
from oddstui.signals import ScanSettings
from oddstui.steam import DEFAULT_STEAM, SteamDetector, SteamSettings, steam_text
from oddstui.store import Alert, Changes, Store

BUDGET = 0.008
"""Seconds of each refresh spent judging price and move alerts."""
MARKET_BUDGET = 0.02
"""Seconds of each refresh spent judging EV and arbitrage alerts, as the scanner's tick: the two with BUDGET hold
under half of a 0.1 s refresh. More than rules on some markets need; an EV rule on every market at 5,000 prices
a second (about 120 ms of work a refresh) is judged in turn, each market within about 0.6 s."""


@dataclass(frozen=True, slots=True)
class Watched:
    """What one refresh raised."""

    steam: int = 0
    fired: int = 0
    """Price alerts that fired."""
    marks_changed: bool = False
    """A fixture gained or lost its steam mark."""


class PriceWatch:
    def __init__(
        self,
        store: Store,
        rules: Iterable[AlertRule] = (),
        steam: SteamSettings = DEFAULT_STEAM,
        scan: ScanSettings = DEFAULT_SCAN,
        budget: float = BUDGET,
        market_budget: float | None = MARKET_BUDGET,
    ) -> None:
        """`scan` says where fair comes from (its sharp books, in order, and the de-vig method): the sharp
        books are where steam starts, and EV alerts judge against that fair price."""
        self.store = store
        store.track_moves()
        self._log = store.watch()
        """Quotes changed since the last refresh: for steam's line moves and breaks, and the alerts' markets."""
        self.steam = SteamDetector(steam, scan.sharp)
        self.alerts = PriceAlerts(rules, scan)
        self.budget = budget
        self.market_budget = market_budget
        self.marked: set[FixtureRef] = set()
        """Fixtures with steam in the last few minutes."""
        self._pending: dict[FixtureRef, None] = {}
        """Fixtures whose prices changed since their price and move alerts were last judged, oldest first."""
        self._fresh: set[FixtureRef] = set()
        """Fixtures a rule was just set on: every market of them is judged at the next refresh."""

    @property
    def rules(self) -> list[AlertRule]:
        return self.alerts.rules

    def set_rules(self, rules: Iterable[AlertRule]) -> None:
        self.alerts.set_rules(rules)

    def judge_soon(self, ref: FixtureRef) -> None:
        """Judge a fixture's alerts at the next refresh, whether or not its prices change (a new rule on it)."""
        self._pending[ref] = None
        self._fresh.add(ref)

    def run(self, changes: Changes, now: float, price: Price = american) -> Watched:
        """Judge what changed: steam on the moves, alerts on the changed fixtures; log what fires."""
        store = self.store
        quotes, fixtures, everything = self._log.drain()
        steams = self.steam.observe(store, store.drain_moves(), quotes, now, everything, fixtures)
        for steam in steams:
            fixture = store.fixture(steam.ref)
            text = steam_text(steam, fixture.name if fixture else steam.fixture_id, price)
            store.add_alert(Alert(steam.ts, "steam", text, steam.provider, steam.fixture_id, important=True))
        marked = self.steam.marked(now)
        marks_changed = marked != self.marked
        self.marked = marked
        firings = []
        if self.alerts.judges_markets:
            refs = self._fresh | fixtures
            if everything:
                refs |= {(f.provider, f.fixture_id) for f in store.all_fixtures()}
            markets = dict.fromkeys((q.provider, q.fixture_id, q.market, q.player) for q in quotes)
            firings += self.alerts.evaluate_markets(store, markets, refs, price, self.market_budget)
        self._fresh = set()
        if self.alerts.rules:
            pending = self._pending
            pending.update(dict.fromkeys(changes.fixtures))
            if changes.everything:
                pending.update(dict.fromkeys((f.provider, f.fixture_id) for f in store.all_fixtures()))
            deadline = time.perf_counter() + self.budget
            while pending:  # one fixture at least, then as many as the budget allows
                ref = next(iter(pending))
                del pending[ref]
                firings += self.alerts.evaluate(store, (ref,), price)
                if time.perf_counter() >= deadline:
                    break
        for firing in firings:
            alert = Alert(now, "price alert", firing.text, firing.provider, firing.fixture_id, important=True)
            store.add_alert(alert)
        return Watched(len(steams), len(firings), marks_changed)
