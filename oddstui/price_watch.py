"""Steam and the user's price alerts, fed from the store once per refresh. Pure: no I/O, no UI.

Steam is judged on every price move the store recorded since the last refresh. Price alerts are judged on
the fixtures whose prices changed, oldest change first, for at most `budget` seconds per refresh: the rest
wait for the next one, so alerts over every game never stall the screen. What fires goes into the store's
alert log.
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
"""Seconds of each refresh spent judging price alerts."""


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
    ) -> None:
        """`scan` says where fair comes from (its sharp books, in order, and the de-vig method): the sharp
        books are where steam starts, and EV alerts judge against that fair price."""
        self.store = store
        store.track_moves()
        self.steam = SteamDetector(steam, scan.sharp)
        self.alerts = PriceAlerts(rules, scan)
        self.budget = budget
        self.marked: set[FixtureRef] = set()
        """Fixtures with steam in the last few minutes."""
        self._pending: dict[FixtureRef, None] = {}
        """Fixtures whose prices changed since their alerts were last judged, oldest first."""

    @property
    def rules(self) -> list[AlertRule]:
        return self.alerts.rules

    def set_rules(self, rules: Iterable[AlertRule]) -> None:
        self.alerts.set_rules(rules)

    def judge_soon(self, ref: FixtureRef) -> None:
        """Judge a fixture's alerts at the next refresh, whether or not its prices change (a new rule on it)."""
        self._pending[ref] = None

    def run(self, changes: Changes, now: float, price: Price = american) -> Watched:
        """Judge what changed: steam on the moves, alerts on the changed fixtures; log what fires."""
        store = self.store
        steams = self.steam.observe(store.drain_moves(), store.is_live_price, store.quote, now)
        for steam in steams:
            fixture = store.fixture(steam.ref)
            text = steam_text(steam, fixture.name if fixture else steam.fixture_id, price)
            store.add_alert(Alert(steam.ts, "steam", text, steam.provider, steam.fixture_id, important=True))
        marked = self.steam.marked(now)
        marks_changed = marked != self.marked
        self.marked = marked
        fired = 0
        if self.alerts.rules:
            pending = self._pending
            pending.update(dict.fromkeys(changes.fixtures))
            if changes.everything:
                pending.update(dict.fromkeys((f.provider, f.fixture_id) for f in store.all_fixtures()))
            deadline = time.perf_counter() + self.budget
            while pending:  # one fixture at least, then as many as the budget allows
                ref = next(iter(pending))
                del pending[ref]
                for firing in self.alerts.evaluate(store, (ref,), price):
                    alert = Alert(now, "price alert", firing.text, firing.provider, firing.fixture_id, important=True)
                    store.add_alert(alert)
                    fired += 1
                if time.perf_counter() >= deadline:
                    break
        return Watched(len(steams), fired, marks_changed)
