"""The user's price alerts: rules, and when their conditions cross. Pure: no I/O, no UI.

Kinds, by what `threshold` holds:
- price: decimal odds; a price at or better than it, at the rule's book or the best of all books;
- ev: a %; a price at least that far above fair (fair probability x decimal - 1), fair as the grid has it;
- arb: a %; an arbitrage (guaranteed profit as a % of the stake) at least that big, in the rule's scope;
- move: points of implied probability; a book changes the selection's line, or moves its price that far
  from where it was when the alert last fired (or was set).

Each alert fires once per crossing: when its condition becomes true, and again only after the condition
has gone false. A locked, stale, suspended or settled price never makes a condition true, nor false: the
alert's state is held until the price is live again, so a suspension neither fires an alert nor re-arms it.
The same holds for every price of a game that is suspended, or over, whether or not its feed locked them.
A move alert judges from where it last fired (at first, the first live price it judged), so small moves add
up, and holds that reference through a lock and through a suspension alike: a price made while locked or
suspended is never judged, and the first live price after is judged against the reference (a book re-opening
at another line has moved it).

EV and arbitrage alerts keep their state per market and are judged market by market (`evaluate_markets`),
as the markets' quotes change; price and move alerts per fixture (`evaluate`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from oddstui.alert_rule import AlertKind, AlertRule, Price, american, safe_price
from oddstui.market_view import (
    NOT_BOOKABLE,
    FixtureRef,
    LivePrice,
    base_selection,
    line_text,
    outcome_sets,
    over_under,
    pair_key,
)
from oddstui.model import Fixture, Quote
from oddstui.signals import MarketKey, ScanSettings, Signal, SignalKind, market_signals
from oddstui.store import CLOSED, Store


@dataclass(frozen=True, slots=True)
class Firing:
    rule: AlertRule
    provider: str
    fixture_id: str
    text: str


DEFAULT_SCAN = ScanSettings()
_Subject = tuple[object, ...]
"""What one alert watches within a fixture: a selection (and book), an arbitrage's legs."""
_Place = FixtureRef | MarketKey
"""Where an alert's state is kept: per fixture for price and move alerts, per market for EV and arbitrage
alerts (judged market by market, as their markets change)."""
SIGNAL_KINDS = (AlertKind.EV, AlertKind.ARB)


def _same(wanted: str, value: str) -> bool:
    return not wanted or wanted.lower() == value.lower()


def in_scope(rule: AlertRule, fixture: Fixture) -> bool:
    return (
        _same(rule.provider, fixture.provider)
        and _same(rule.fixture_id, fixture.fixture_id)
        and _same(rule.league, fixture.league)
    )


def matches(rule: AlertRule, quote: Quote, any_line: bool = False) -> bool:
    """The quote is a price of the rule's selection, line (each book's main line when the rule names none;
    any line with `any_line`) and book."""
    if quote.book in NOT_BOOKABLE or not _same(rule.book, quote.book):
        return False
    if not (_same(rule.market, quote.market) and _same(rule.player, quote.player)):
        return False
    if rule.selection and rule.selection.lower() != base_selection(quote.selection, quote.points).lower():
        return False
    if rule.line is None:
        return any_line or quote.is_main
    return quote.points == rule.line


def _subject(rule: AlertRule, quote: Quote, per_book: bool) -> _Subject:
    book = quote.book if per_book or rule.book else ""
    return (quote.market, quote.player, base_selection(quote.selection, quote.points), rule.line, book)


class PriceAlerts:
    """The alerts in force and where each stands; `evaluate` says which fire."""

    def __init__(self, rules: Iterable[AlertRule] = (), settings: ScanSettings = DEFAULT_SCAN) -> None:
        self.settings = settings
        self.rules: list[AlertRule] = []
        self._active: dict[tuple[AlertRule, _Place], set[_Subject]] = {}
        """Subjects whose condition held when last seen live: they fire again only after going false."""
        self._firing_books: dict[tuple[AlertRule, _Place], dict[_Subject, frozenset[str]]] = {}
        """For price and EV alerts: the books whose prices made each active subject's condition true."""
        self._reference: dict[tuple[AlertRule, FixtureRef, _Subject], tuple[float | None, float]] = {}
        """For move alerts: (line, implied probability) where each book's price was last judged from."""
        self._waiting: dict[FixtureRef, set[tuple[str, str]] | None] = {}
        """For EV and arbitrage alerts: fixtures whose markets changed ((market, player); None: all), oldest first."""
        self.set_rules(rules)

    def set_rules(self, rules: Iterable[AlertRule]) -> None:
        """Replace the rules (duplicates count once); a rule kept keeps its state."""
        self.rules = list(dict.fromkeys(rules))
        kept = set(self.rules)
        self._active = {k: v for k, v in self._active.items() if k[0] in kept}
        self._firing_books = {k: v for k, v in self._firing_books.items() if k[0] in kept}
        self._reference = {k: v for k, v in self._reference.items() if k[0] in kept}
        if not self.judges_markets:
            self._waiting.clear()

    @property
    def judges_markets(self) -> bool:
        """Some rule is an EV or arbitrage alert: `evaluate_markets` has work."""
        return any(rule.kind in SIGNAL_KINDS for rule in self.rules)

    def evaluate(self, store: Store, refs: Iterable[FixtureRef], price: Price = american) -> list[Firing]:
        """The price and move alerts that fire on the fixtures in `refs` (those whose prices changed) as they
        stand now (EV and arbitrage alerts: `evaluate_markets`)."""
        firings: list[Firing] = []
        rules = [rule for rule in self.rules if rule.kind not in SIGNAL_KINDS]
        if not rules:
            return firings
        is_live = store.is_live_price
        for ref in refs:
            fixture = store.fixture(ref)
            if fixture is None:
                self._forget(ref)
                continue
            in_force = [r for r in rules if in_scope(r, fixture)]
            if not in_force or fixture.status in CLOSED:
                continue  # no price of a suspended or finished game is one to bet: every alert holds its state
            quotes = store.fixture_quotes(ref)
            for rule in in_force:
                if rule.kind is AlertKind.MOVE:
                    firings.extend(self._moves(rule, fixture, quotes, is_live, price))
                    continue
                now_true, held = self._judge(rule, ref, quotes, [], store, price)
                firings.extend(self._cross(rule, fixture, ref, now_true, held))
        return firings

    def evaluate_markets(
        self,
        store: Store,
        markets: Iterable[MarketKey],
        fixtures: Iterable[FixtureRef] = (),
        price: Price = american,
        budget: float | None = None,
    ) -> list[Firing]:
        """The EV and arbitrage alerts that fire on the markets whose quotes changed, and on every market of
        `fixtures` (their game changed, or a rule was just set on it), oldest change first, for at most `budget`
        seconds (None: all; what is left waits for the next call). Only markets some rule covers are computed,
        each once, with the scanner's own signal maths (`market_signals`), and a market only arbitrage rules
        cover only when its prices leave room for an arbitrage."""
        rules = [rule for rule in self.rules if rule.kind in SIGNAL_KINDS]
        if not rules:
            return []
        waiting = self._waiting
        for ref in fixtures:
            waiting[ref] = None
        for provider, fixture_id, market, player in markets:
            names = waiting.setdefault((provider, fixture_id), set())
            if names is not None:
                names.add((market, player))
        deadline = None if budget is None else time.perf_counter() + budget
        firings: list[Firing] = []
        while waiting:  # one fixture at least, then as many as the budget allows
            ref = next(iter(waiting))
            firings += self._judge_markets(store, ref, waiting.pop(ref), rules, price)
            if deadline is not None and time.perf_counter() >= deadline:
                break
        return firings

    @property
    def markets_waiting(self) -> int:
        """Fixtures with changed markets not judged yet (a call on a budget may leave some)."""
        return len(self._waiting)

    def _judge_markets(
        self, store: Store, ref: FixtureRef, names: set[tuple[str, str]] | None, rules: list[AlertRule], price: Price
    ) -> list[Firing]:
        """The EV and arbitrage alerts on one fixture's markets `names` ((market, player); None: all of them)."""
        fixture = store.fixture(ref)
        if fixture is None:
            self._forget(ref)
            return []
        if fixture.status in CLOSED:
            return []  # every alert on it holds its state
        in_force = [r for r in rules if in_scope(r, fixture)]
        if names is not None:
            in_force = [r for r in in_force if any(_covers(r, *name) for name in names)]
        if not in_force:
            return []
        grouped: dict[tuple[str, str], list[Quote]] = {}
        for quote in store.fixture_quotes(ref):
            name = (quote.market, quote.player)
            if names is None or name in names:
                grouped.setdefault(name, []).append(quote)
        firings: list[Firing] = []
        is_live = store.is_live_price
        for (market, player), quotes in grouped.items():
            covering = [r for r in in_force if _covers(r, market, player)]
            if not covering:
                continue
            signals: list[Signal] = []
            if any(r.kind is AlertKind.EV for r in covering) or _arbitrage_possible(quotes, fixture, is_live):
                signals = market_signals(ref, fixture, market, player, quotes, is_live, self.settings)
            place = (ref[0], ref[1], market, player)
            for rule in covering:
                now_true, held = self._judge(rule, place, quotes, signals, store, price)
                firings.extend(self._cross(rule, fixture, place, now_true, held))
        return firings

    def _forget(self, ref: FixtureRef) -> None:
        """A fixture gone from the store: nothing of it stays armed."""
        for active in [k for k in self._active if k[1][:2] == ref]:
            del self._active[active]
        for firing in [k for k in self._firing_books if k[1][:2] == ref]:
            del self._firing_books[firing]
        for reference in [k for k in self._reference if k[1] == ref]:
            del self._reference[reference]

    def _cross(
        self, rule: AlertRule, fixture: Fixture, place: _Place, now_true: dict[_Subject, str], held: set[_Subject]
    ) -> list[Firing]:
        """Fire the subjects that just became true; keep the held ones as they were; re-arm the rest."""
        ref = (fixture.provider, fixture.fixture_id)
        before = self._active.get((rule, place), set())
        after = set(now_true) | (before & held)
        if after:
            self._active[(rule, place)] = after
        else:
            self._active.pop((rule, place), None)
        return [
            Firing(rule, ref[0], ref[1], f"{fixture.name}: {now_true[subject]}")
            for subject in now_true
            if subject not in before
        ]

    def _judge(
        self, rule: AlertRule, place: _Place, quotes: list[Quote], signals: list[Signal], store: Store, price: Price
    ) -> tuple[dict[_Subject, str], set[_Subject]]:
        """(subjects whose condition holds, with what to say; subjects with no live price to judge them by,
        or whose condition a book made true last time and that book's price is no longer live)."""
        if rule.kind is AlertKind.ARB:
            return self._arbs(rule, place, quotes, signals, store, price)
        is_live = store.is_live_price
        groups: dict[_Subject, list[Quote]] = {}
        for quote in quotes:
            if matches(rule, quote):
                groups.setdefault(_subject(rule, quote, per_book=False), []).append(quote)
        firing_before = self._firing_books.get((rule, place), {})
        held = {
            subject
            for subject, group in groups.items()
            if not any(is_live(q) for q in group)
            or any(q.book in firing_before.get(subject, ()) and not is_live(q) for q in group)
        }
        now_true: dict[_Subject, str] = {}
        firing: dict[_Subject, set[str]] = {}
        if rule.kind is AlertKind.PRICE:
            for subject, group in groups.items():
                best = max((q for q in group if is_live(q)), key=lambda q: (q.decimal, q.book), default=None)
                if best is not None and best.decimal >= rule.threshold:
                    now_true[subject] = (
                        f"{_quote_name(best)} at {best.book} {price(best.decimal)}, "
                        f"at or better than {safe_price(price, rule.threshold)}"
                    )
                    firing[subject] = {q.book for q in group if is_live(q) and q.decimal >= rule.threshold}
            self._keep_firing_books(rule, place, firing, firing_before, held)
            return now_true, held
        best_ev: dict[_Subject, tuple[Signal, Quote]] = {}
        for signal in signals:
            if signal.kind is not SignalKind.EV or signal.edge_pct < rule.threshold:
                continue
            leg = store.quote(signal.provider, signal.legs[0].quote_key)
            if leg is None or not matches(rule, leg):
                continue
            subject = _subject(rule, leg, per_book=False)
            firing.setdefault(subject, set()).add(leg.book)
            if subject not in best_ev or signal.edge_pct > best_ev[subject][0].edge_pct:
                best_ev[subject] = (signal, leg)
        for subject, (signal, quote) in best_ev.items():
            fair = "" if signal.fair_decimal is None else f" (fair {price(signal.fair_decimal)} {signal.fair_source})"
            now_true[subject] = (
                f"{_quote_name(quote)} at {quote.book} {price(quote.decimal)} is {signal.edge_pct:+.1f}% EV{fair}, "
                f"alert at {rule.threshold:g}%"
            )
        self._keep_firing_books(rule, place, firing, firing_before, held)
        return now_true, held

    def _keep_firing_books(
        self,
        rule: AlertRule,
        place: _Place,
        firing: dict[_Subject, set[str]],
        before: dict[_Subject, frozenset[str]],
        held: set[_Subject],
    ) -> None:
        """Remember which books make each subject true now; a held subject keeps those it had."""
        kept = {s: frozenset(books) for s, books in firing.items()}
        kept |= {s: books for s, books in before.items() if s in held and s not in kept}
        if kept:
            self._firing_books[(rule, place)] = kept
        else:
            self._firing_books.pop((rule, place), None)

    def _arbs(
        self, rule: AlertRule, place: _Place, quotes: list[Quote], signals: list[Signal], store: Store, price: Price
    ) -> tuple[dict[_Subject, str], set[_Subject]]:
        """Arbitrages at least `threshold` with a leg in the rule's scope; one seen before with a leg no longer
        live (its legs still there) is held."""
        now_true: dict[_Subject, str] = {}
        for signal in signals:
            if signal.kind is not SignalKind.ARB or signal.edge_pct < rule.threshold:
                continue
            legs = [store.quote(signal.provider, leg.quote_key) for leg in signal.legs]
            if not any(q is not None and matches(rule, q, any_line=rule.line is None) for q in legs):
                continue
            sides = " / ".join(
                f"{_leg_name(leg.selection, leg.points)} {leg.book} {price(leg.price_decimal)}" for leg in signal.legs
            )
            now_true[signal.key] = f"arbitrage {signal.edge_pct:.2f}% ({signal.market}): {sides}"
        held: set[_Subject] = set()
        active = self._active.get((rule, place), set())
        by_side = {(q.market, q.player, q.selection, q.book, q.points): q for q in quotes} if active else {}
        for key in active:
            seen: Any = key  # a Signal.key: (kind, provider, fixture_id, market, player, sides)
            legs_now = [by_side.get((seen[3], seen[4], *side)) for side in seen[5]]
            if all(q is not None for q in legs_now) and not all(store.is_live_price(q) for q in legs_now if q):
                held.add(key)
        return now_true, held

    def _moves(
        self, rule: AlertRule, fixture: Fixture, quotes: list[Quote], is_live: LivePrice, price: Price
    ) -> list[Firing]:
        """A book's line changed, or its price moved `threshold` points since the alert last fired: fire, and judge
        from here."""
        ref = (fixture.provider, fixture.fixture_id)
        current: dict[_Subject, Quote] = {}
        for quote in quotes:
            if matches(rule, quote):
                subject = _subject(rule, quote, per_book=True)
                held = current.get(subject)
                if held is None or abs(quote.decimal - 2.0) < abs(held.decimal - 2.0):
                    current[subject] = quote
        firings = []
        for subject, quote in current.items():
            if not is_live(quote):
                continue  # held: judged again once the price is live
            key = (rule, ref, subject)
            probability = 1.0 / quote.decimal
            before = self._reference.get(key)
            self._reference[key] = (quote.points, probability)
            if before is None:
                continue
            line, was = before
            points = abs(probability - was) * 100.0
            if line != quote.points:
                what = f"line {line_text(quote.selection, line)} → {line_text(quote.selection, quote.points)}"
            elif points >= rule.threshold:
                what = f"{price(1.0 / was)} → {price(quote.decimal)} ({points:.1f} pts)"
            else:
                self._reference[key] = before
                continue
            name = base_selection(quote.selection, quote.points)
            firings.append(
                Firing(rule, ref[0], ref[1], f"{fixture.name}: {name} ({quote.market}) at {quote.book} moved: {what}")
            )
        return firings


def _arbitrage_possible(quotes: list[Quote], fixture: Fixture, is_live: LivePrice) -> bool:
    """False when no line of the market holds an arbitrage: its best live prices, paired into lines as
    `market_signals` pairs them, imply 100% or more on every line. Cheap next to computing the signals."""
    best: dict[str, dict[float | None, float]] = {}
    """Selection -> line -> its lowest live implied probability (the best price)."""
    for quote in quotes:
        if quote.book in NOT_BOOKABLE or not is_live(quote):
            continue
        lines = best.setdefault(base_selection(quote.selection, quote.points), {})
        probability = 1.0 / quote.decimal
        if probability < lines.get(quote.points, 2.0):
            lines[quote.points] = probability
    for members in outcome_sets(best, fixture):
        if len(members) not in (2, 3):
            continue
        ou = all(over_under(s) is not None for s in members)
        paired: dict[float | None, list[float]] = {}
        for index, selection in enumerate(members):
            for points, probability in best[selection].items():
                paired.setdefault(pair_key(points, index, len(members), ou), []).append(probability)
        if any(len(line) == len(members) and sum(line) < 1.0 for line in paired.values()):
            return True
    return False


def _covers(rule: AlertRule, market: str, player: str) -> bool:
    """The rule's market and player scope take in this market."""
    return _same(rule.market, market) and _same(rule.player, player)


def _quote_name(quote: Quote) -> str:
    return _leg_name(quote.selection, quote.points)


def _leg_name(selection: str, points: float | None) -> str:
    line = line_text(selection, points)
    return f"{selection} {line}" if line and line not in selection else selection
