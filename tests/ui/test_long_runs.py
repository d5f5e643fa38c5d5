"""A long-running dashboard: finished games leave on a timer; the heap is frozen once, never pinning later garbage."""

from __future__ import annotations

import gc
import weakref

from oddstui import heap as heap_module
from oddstui import store as store_module
from oddstui.config import ProviderSettings, Settings
from oddstui.model import (
    Fixture,
    FixtureChange,
    FixtureChanged,
    FixtureStatus,
    FixtureUpserted,
    OddsFormat,
    Quote,
    QuotesPosted,
)
from oddstui.ui import app as app_module
from oddstui.ui.app import OddsApp
from oddstui.ui.themes import load_themes, theme_dirs

STREAM = "opticodds:odds:basketball"


def fixture(fixture_id: str) -> Fixture:
    return Fixture(
        "opticodds", fixture_id, "basketball", "NBA", "Boston Celtics", "Miami Heat", 1e9, FixtureStatus.LIVE
    )


def quote(fixture_id: str) -> Quote:
    return Quote(
        "opticodds",
        f"{fixture_id}:ml",
        fixture_id,
        "Pinnacle",
        "Moneyline",
        "Boston Celtics",
        1.9,
        raw=-111,
        raw_format=OddsFormat.AMERICAN,
        stream=STREAM,
    )


async def test_finished_games_leave_on_a_timer_with_their_quotes(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "EVICT_EVERY", 0.05)
    now = [1_000_000.0]
    providers = {name: ProviderSettings(name) for name in ("opticodds", "oddspapi", "oddsstream")}
    app = OddsApp(
        Settings(providers),
        clock=lambda: now[0],
        data_dir=tmp_path / "data",
        cache_dir=tmp_path / "cache",
        themes=load_themes(theme_dirs()[:1]),
    )
    app.store.eviction_grace = 60.0
    async with app.run_test(size=(120, 40)) as pilot:
        for fixture_id in ("F1", "F2"):
            app.feed.put(FixtureUpserted(STREAM, None, fixture(fixture_id)))
            app.feed.put(QuotesPosted(STREAM, None, [quote(fixture_id)]))
        await pilot.pause(0.3)
        app.fixture_list.lines.highlight(("opticodds", "F1"))
        await pilot.pause(0.2)
        assert app.selected_ref == ("opticodds", "F1") and app.price_grid.rows
        change = FixtureChange("opticodds", "F1", FixtureStatus.LIVE, FixtureStatus.COMPLETED)
        app.feed.put(FixtureChanged(STREAM, None, change))
        await pilot.pause(0.3)
        assert app.store.fixture(("opticodds", "F1")) is not None  # finished, and in its grace period
        now[0] += 61
        await pilot.pause(0.5)
        assert app.store.fixture(("opticodds", "F1")) is None
        assert app.store.quote("opticodds", "F1:ml") is None
        assert app.store.quote("opticodds", "F2:ml") is not None
        assert ("opticodds", "F1") not in app.fixture_list.lines.refs
        shown = [quote for line in app.price_grid.rows if line.row is not None for quote in line.row.cells.values()]
        assert all(q.fixture_id != "F1" for q in shown), app.selected_ref  # nothing of the game that left stays shown


class Node:
    """Half of a reference cycle: freed only by the garbage collector, never by reference counting."""

    def __init__(self) -> None:
        self.other: Node | None = None


async def test_start_up_is_frozen_once_and_later_cyclic_garbage_is_collected(tmp_path, monkeypatch):
    freezes = []
    freeze = gc.freeze

    def counted_freeze() -> None:
        freezes.append(1)
        freeze()

    monkeypatch.setattr(app_module, "START_UP_SECONDS", 0.05)
    monkeypatch.setattr(heap_module.gc, "freeze", counted_freeze)
    providers = {name: ProviderSettings(name) for name in ("opticodds", "oddspapi", "oddsstream")}
    app = OddsApp(Settings(providers), data_dir=tmp_path / "data", themes=load_themes(theme_dirs()[:1]))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.3)
            assert freezes == [1]
            a, b = Node(), Node()
            a.other, b.other = b, a
            dead = weakref.ref(a)
            del a, b
            await pilot.pause(0.5)  # a freeze on a timer (every 5 s, before) pinned cycles like this one for good
            gc.collect()
            assert dead() is None
            assert freezes == [1]
    finally:
        gc.unfreeze()


async def test_the_app_collects_cycles_in_the_oldest_generation_on_its_own_timer(tmp_path, monkeypatch):
    monkeypatch.setattr(app_module, "COLLECT_EVERY", 0.1)
    monkeypatch.setattr(app_module, "START_UP_SECONDS", 60.0)  # its collection is not the one under test
    providers = {name: ProviderSettings(name) for name in ("opticodds", "oddspapi", "oddsstream")}
    app = OddsApp(Settings(providers), data_dir=tmp_path / "data", themes=load_themes(theme_dirs()[:1]))
    gc.disable()  # no automatic pass: only the app's own can free the cycle
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            a, b = Node(), Node()
            a.other, b.other = b, a
            dead = weakref.ref(a)
            del a, b
            for _ in range(20):
                if dead() is None:
                    break
                await pilot.pause(0.1)
            assert dead() is None
    finally:
        gc.enable()
