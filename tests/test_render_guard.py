"""The placeholder and its count: each distinct value counted once, in bounded memory; alert texts never raise."""

import math

import pytest

from oddstui import render_guard
from oddstui.render_guard import PLACEHOLDER, REPLACEMENT, RenderErrors, clock_text, safe_text
from oddstui.store import start_change_text


def test_each_distinct_failure_is_counted_once_and_the_memory_is_bounded():
    errors = RenderErrors(memory=3)
    assert [errors.record(what) for what in ("a", "b", "a", "c")] == [True, True, False, True]
    assert errors.count == 3
    errors.record("d")  # 'a' is forgotten: at most `memory` failures are remembered
    assert len(errors._seen) == 3 and errors.record("a") and errors.count == 5


@pytest.fixture
def errors(monkeypatch) -> RenderErrors:
    errors = RenderErrors()
    monkeypatch.setattr(render_guard, "RENDER_ERRORS", errors)
    return errors


@pytest.mark.parametrize("text", ["a\x1b[2Jb", "line\nbreak", "tab\there", "bell\x07", "c1\x9bx", "\u202ex", "\u2066y"])
def test_controls_and_reordering_marks_are_replaced_and_counted(text, errors):
    shown = safe_text(text)
    assert REPLACEMENT in shown and all(c.isprintable() or c == REPLACEMENT for c in shown)
    assert safe_text(text) == shown and errors.count == 1


@pytest.mark.parametrize("text", ["Boston Celtics", "中文 队", "e\u0301", "zero\u200bwidth", "Köln 🏀"])
def test_printable_text_of_any_width_is_left_as_it_is(text, errors):
    assert safe_text(text) == text
    assert errors.count == 0


@pytest.mark.parametrize("epoch", [1e20, -1e20, math.nan, math.inf])
def test_a_time_no_clock_can_show_is_the_placeholder(epoch, errors):
    assert clock_text("%H:%M", epoch) == PLACEHOLDER
    assert errors.count == 1


def test_a_start_moved_beyond_any_clock_reads_with_the_placeholder():
    assert start_change_text(1e9, 1e20).startswith("start ") and f"→ {PLACEHOLDER}" in start_change_text(1e9, 1e20)
    assert start_change_text(None, math.nan) == f"start now {PLACEHOLDER}"
    assert start_change_text(1e9, math.inf).endswith(PLACEHOLDER)
    assert "45 min later" in start_change_text(1e9, 1e9 + 45 * 60)


def test_the_league_and_book_pickers_show_feed_names_without_terminal_controls():
    from oddstui.ui.screens.picker import PickerScreen

    picker = PickerScreen("Leagues", ["NBA\x1b[2J", "EPL\u202e"], chosen=[])
    shown = [str(label) for label, _, _ in picker._options(set())]
    assert all("\x1b" not in text and "\u202e" not in text for text in shown)
    assert [value for _, value, _ in picker._options(set())] == ["NBA\x1b[2J", "EPL\u202e"], "the filter keeps the name"
