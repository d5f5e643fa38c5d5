"""The fixture list: grouped by league, with live, alert and pinned markers, and the filter in force above it.

A Line API widget with its own line cache: with hundreds of fixtures whose scores change every second,
only the lines of fixtures that changed are redrawn (an OptionList re-measures every option instead).
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from oddstui.model import Fixture, FixtureStatus
from oddstui.render_guard import clock_text, safe_text
from oddstui.short_names import short_teams, team_codes
from oddstui.ui.guard import failed_line, failed_text

FixtureRef = tuple[str, str]
WIDTHS = ("wide", "narrow", "hidden")
"""The fixture list's sizes, in the order its key cycles them."""
STATUS_STYLES = {
    "live": "red",
    "half": "red",
    "completed": "dim",
    "cancelled": "bold yellow",
    "postponed": "bold yellow",
    "delayed": "yellow",
    "suspended": "yellow",
}


def local_time(epoch: float) -> str:
    """Start time in the user's local time, as 'Mon 24 19:30' (the placeholder for a time no clock can show)."""
    return clock_text("%a %d %H:%M", epoch)


WIDE_TEXT = 37
NARROW_TEXT = 17
"""The text width of each size: its CSS width less the scrollbar."""
STATUS_CODES = {
    "completed": "FT",
    "cancelled": "CANC",
    "postponed": "PPD",
    "delayed": "DLY",
    "suspended": "SUSP",
    "half": "HT",
}
"""What the narrow list shows for a status other than unplayed and live."""


SCORED = frozenset({FixtureStatus.LIVE, FixtureStatus.HALF, FixtureStatus.COMPLETED})


def _shown_score(fixture: Fixture) -> bool:
    """A score is shown once the game is under way, whichever of its live flag and status said so first."""
    return fixture.score is not None and (fixture.is_live or fixture.status in SCORED)


STEAM_MARK = "⇈"
"""Beside the live mark: the game had steam in the last few minutes (one cell wide in every terminal)."""


def _markers(fixture: Fixture, pinned: bool, unread: bool, steam: bool, gap: str) -> Text:
    """Live, steam, pinned and unread marks; the narrow list has no gap, so there steam shows in the pin's place."""
    markers = Text()
    markers.append("●" if fixture.is_live else " ", style="bold red" if fixture.is_live else "")
    if gap:
        markers.append(STEAM_MARK if steam else gap, style="bold magenta")
        markers.append("★" if pinned else " ", style="bold yellow")
    elif steam:
        markers.append(STEAM_MARK, style="bold magenta")
    else:
        markers.append("★" if pinned else " ", style="bold yellow")
    markers.append("!" if unread else " ", style="bold magenta")
    return markers


def fixture_label(
    fixture: Fixture, pinned: bool, unread: bool, suspended: bool = False, steam: bool = False
) -> list[Text]:
    """Two lines: markers and teams; then start time or score, status, and whether every price is suspended.

    The teams' short names where the full ones do not fit; anything longer is cut when drawn.
    """
    names = fixture.name
    if cell_len(names) > WIDE_TEXT - 5:
        names = " @ ".join(short_teams(fixture.away, fixture.home, fixture.sport, fixture.league))
    top = _markers(fixture, pinned, unread, steam, " ")
    top.append(safe_text(f" {names}"))
    status = fixture.status
    detail = local_time(fixture.start)
    if _shown_score(fixture) and fixture.score is not None:
        detail = f"{fixture.score.away}-{fixture.score.home}"
    bottom = Text(f"     {detail}  ", style="dim")
    bottom.append(status.value, style=STATUS_STYLES.get(status.value, "dim"))
    if suspended:
        bottom.append("  🔒 all suspended", style="bold yellow")
    return [top, bottom]


def narrow_label(
    fixture: Fixture, pinned: bool, unread: bool, suspended: bool = False, steam: bool = False
) -> list[Text]:
    """A ticker: away team and its score (or an unusual status), then home team and its score (or start hour).

    The teams' short names, or their codes where a name does not fit ('TOT 14:48'); a lock before the home team
    when every price is suspended.
    """
    away, home = (safe_text(name) for name in short_teams(fixture.away, fixture.home, fixture.sport, fixture.league))
    codes = team_codes(fixture.away, fixture.home, fixture.sport) or (away, home)
    code = STATUS_CODES.get(fixture.status.value, "")
    start = clock_text("%H:%M", fixture.start)  # the day: in the wide list (v)
    score = fixture.score if _shown_score(fixture) else None
    rights = (f"{code} {score.away}".lstrip(), str(score.home)) if score is not None else (code, start)
    top = _markers(fixture, pinned, unread, steam, "")
    bottom = Text("🔒 " if suspended else "   ", style="bold yellow")
    status_style = STATUS_STYLES.get(fixture.status.value, "dim")
    for line, name, team_code, right in ((top, away, codes[0], rights[0]), (bottom, home, codes[1], rights[1])):
        room = NARROW_TEXT - line.cell_len - cell_len(right) - 1
        name = name if cell_len(name) <= room else team_code
        line.append(name if cell_len(name) <= room else name[: max(0, room - 1)] + "…")
        line.append(" " * (NARROW_TEXT - line.cell_len - cell_len(right)))
        line.append(right, style="dim" if right == start else status_style if code and code in right else "bold")
    return [top, bottom]


@dataclass(slots=True)
class Entry:
    """A league heading (ref None) or a fixture, and the lines it shows."""

    ref: FixtureRef | None
    lines: list[Text]
    signature: tuple


class FixtureLines(ScrollView, can_focus=True):
    """The fixtures themselves: a cursor over fixture entries; league headings are skipped."""

    BINDINGS = [
        Binding("j,down", "move(1)", "Down", show=False),
        Binding("k,up", "move(-1)", "Up", show=False),
        Binding("pagedown", "move(10)", show=False),
        Binding("pageup", "move(-10)", show=False),
        Binding("home", "move(-100000)", show=False),
        Binding("end", "move(100000)", show=False),
    ]
    COMPONENT_CLASSES = {"fixture-lines--cursor", "fixture-lines--cursor-blurred"}
    DEFAULT_CSS = """
    FixtureLines { height: 1fr; scrollbar-size-vertical: 1; overflow-x: hidden; }
    FixtureLines > .fixture-lines--cursor { background: $block-cursor-background; text-style: bold; }
    FixtureLines > .fixture-lines--cursor-blurred { background: $block-cursor-blurred-background; }
    """

    class Highlighted(Message):
        def __init__(self, ref: FixtureRef | None) -> None:
            super().__init__()
            self.ref = ref

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[Entry] = []
        self.lines: list[tuple[int, int]] = []
        """(entry index, line within the entry) for each line of the list."""
        self.first_line: list[int] = []
        self.highlighted: int | None = None
        """Index into `entries` of the highlighted fixture."""
        self._cache: dict[int, Strip] = {}

    @property
    def refs(self) -> list[FixtureRef | None]:
        return [entry.ref for entry in self.entries]

    @property
    def selected(self) -> FixtureRef | None:
        return self.entries[self.highlighted].ref if self.highlighted is not None else None

    def text_of(self, ref: FixtureRef) -> str:
        entry = next(e for e in self.entries if e.ref == ref)
        return "\n".join(line.plain for line in entry.lines)

    def show(self, entries: list[Entry]) -> None:
        """Replace the entries; only lines whose entry changed are redrawn. Keeps the highlight on its fixture."""
        old_selected = self.selected
        same_shape = [(e.ref, len(e.lines)) for e in entries] == [(e.ref, len(e.lines)) for e in self.entries]
        if same_shape:
            changed = [
                i
                for i, (old, new) in enumerate(zip(self.entries, entries, strict=True))
                if old.signature != new.signature
            ]
            self.entries = entries
            for index in changed:
                self._invalidate_entry(index)
            return
        self.entries = entries
        self.lines, self.first_line = [], []
        for index, entry in enumerate(entries):
            self.first_line.append(len(self.lines))
            self.lines.extend((index, line_no) for line_no in range(len(entry.lines)))
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.lines))
        refs = self.refs
        if old_selected is not None and old_selected in refs:
            self.highlighted = refs.index(old_selected)
        else:
            self.highlighted = next((i for i, ref in enumerate(refs) if ref is not None), None)
            self.post_message(self.Highlighted(self.selected))
        self._scroll_to_highlight()
        self.refresh()

    def highlight(self, ref: FixtureRef) -> None:
        """Put the cursor on a fixture, as the arrow keys would."""
        self._set_highlight(self.refs.index(ref))

    def _set_highlight(self, index: int | None) -> None:
        if index == self.highlighted:
            return
        for old in (self.highlighted, index):
            if old is not None:
                self._invalidate_entry(old)
        self.highlighted = index
        self._scroll_to_highlight()
        self.post_message(self.Highlighted(self.selected))

    def _scroll_to_highlight(self) -> None:
        if self.highlighted is None:
            return
        top, bottom = self.first_line[self.highlighted], self.first_line[self.highlighted] + 1
        view = self.scroll_offset.y
        height = max(1, self.scrollable_content_region.height)
        if top < view:
            self.scroll_to(y=max(0, top - 1), animate=False)
        elif bottom >= view + height:
            self.scroll_to(y=bottom - height + 1, animate=False)

    def action_move(self, step: int) -> None:
        fixtures = [i for i, entry in enumerate(self.entries) if entry.ref is not None]
        if not fixtures:
            return
        position = fixtures.index(self.highlighted) if self.highlighted in fixtures else 0
        self._set_highlight(fixtures[max(0, min(len(fixtures) - 1, position + step))])

    def on_click(self, event: events.Click) -> None:
        line = event.y + self.scroll_offset.y
        if 0 <= line < len(self.lines) and self.entries[self.lines[line][0]].ref is not None:
            self._set_highlight(self.lines[line][0])

    def notify_style_update(self) -> None:
        """The theme or CSS changed: cached lines carry the old colours."""
        super().notify_style_update()
        self._cache.clear()

    def on_resize(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.lines))

    def on_focus(self) -> None:
        if self.highlighted is not None:
            self._invalidate_entry(self.highlighted)

    def on_blur(self) -> None:
        if self.highlighted is not None:
            self._invalidate_entry(self.highlighted)

    def _invalidate_entry(self, index: int) -> None:
        for line_no in range(len(self.entries[index].lines)):
            self._invalidate(self.first_line[index] + line_no)

    def _invalidate(self, line: int) -> None:
        """Draw `line` again, where it is on screen (ScrollView.refresh_line would take the virtual line)."""
        self._cache.pop(line, None)
        y = line - self.scroll_offset.y
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def render_line(self, y: int) -> Strip:
        line = y + self.scroll_offset.y
        width = self.scrollable_content_region.width
        if line >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        strip = self._cache.get(line)
        if strip is None:
            try:
                strip = self._cache[line] = self._draw_line(line, width)
            except Exception as exc:  # rendering never raises: the line shows the placeholder, counted and logged
                return failed_line(self, exc, width)
        return strip

    def _draw_line(self, line: int, width: int) -> Strip:
        index, line_no = self.lines[line]
        entry = self.entries[index]
        base = self.rich_style
        if entry.ref is None:
            style = base + Style(bold=True, reverse=True)
        elif index == self.highlighted:
            style = base + self.get_component_rich_style(
                "fixture-lines--cursor" if self.has_focus else "fixture-lines--cursor-blurred"
            )
        else:
            style = base
        text = entry.lines[line_no].copy()
        text.truncate(width, overflow="ellipsis")
        segments = list(text.render(self.app.console))
        strip = Strip(Segment.apply_style(segments, style), text.cell_len)
        return strip.crop_extend(0, width, style if index == self.highlighted else base)


class FixtureList(Vertical):
    class Selected(Message):
        def __init__(self, ref: FixtureRef | None) -> None:
            super().__init__()
            self.ref = ref

    DEFAULT_CSS = """
    FixtureList { width: 38; }
    FixtureList.-narrow { width: 18; }
    FixtureList.-hidden { display: none; }
    FixtureList #filter { height: auto; max-height: 3; color: $text-muted; padding: 0 1; }
    """

    size_name: reactive[str] = reactive("wide", init=False)
    """'wide', 'narrow' or 'hidden'; the app's key cycles it."""

    def watch_size_name(self, size_name: str) -> None:
        for name in WIDTHS:
            self.set_class(name == size_name, f"-{name}")
        if self._shown is not None:
            self.show(*self._shown)  # the narrow list lays its lines out another way

    def cycle_size(self) -> str:
        self.size_name = WIDTHS[(WIDTHS.index(self.size_name) + 1) % len(WIDTHS)]
        return self.size_name

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # Held, not queried: the app's refresh timer may call `show` while the screen is torn down.
        self.filter = Static("all fixtures", id="filter")
        self.lines = FixtureLines(id="fixtures")
        self._shown: tuple | None = None
        """What `show` was last given: drawn again when the size changes."""
        self._labels: dict[FixtureRef, tuple[tuple, list[Text]]] = {}
        """Each fixture's lines as last built, with what they were built from: rebuilt only when that changes."""

    def compose(self) -> ComposeResult:
        yield self.filter
        yield self.lines

    def show(
        self,
        fixtures: list[Fixture],
        pinned: set[FixtureRef],
        unread: set[FixtureRef],
        summary: str,
        suspended: Set[FixtureRef] = frozenset(),
        steam: Set[FixtureRef] = frozenset(),
    ) -> None:
        if self._shown is None or summary != self._shown[3]:
            self.filter.update(summary)  # a Static's update lays the screen out again: only when it says something new
        self._shown = (fixtures, pinned, unread, summary, suspended, steam)
        label = narrow_label if self.size_name == "narrow" else fixture_label
        entries: list[Entry] = []
        labels: dict[FixtureRef, tuple[tuple, list[Text]]] = {}
        league = None
        for fixture in fixtures:
            if fixture.league != league:
                league = fixture.league
                entries.append(Entry(None, [Text(safe_text(f" {league or 'other'} "))], (league,)))
            ref = (fixture.provider, fixture.fixture_id)
            flags = (ref in pinned, ref in unread, ref in suspended, ref in steam)
            score = (fixture.score.home, fixture.score.away) if fixture.score else None
            signature = (fixture.home, fixture.away, fixture.start, fixture.status, fixture.is_live, score, *flags)
            key = (label, fixture.sport, fixture.league, *signature)
            known = self._labels.get(ref)
            if known is not None and known[0] == key:
                lines = known[1]  # unchanged: its lines are reused (they are copied when drawn)
                labels[ref] = known
            else:
                try:
                    lines = label(fixture, *flags)
                    labels[ref] = (key, lines)
                except (
                    Exception
                ) as exc:  # rendering never raises: the fixture shows the placeholder, counted and logged
                    lines = [failed_text(self, exc), Text()]
            entries.append(Entry(ref, lines, (label, *signature)))
        self._labels = labels
        self.lines.show(entries)

    @property
    def selected(self) -> FixtureRef | None:
        return self.lines.selected

    def on_fixture_lines_highlighted(self, event: FixtureLines.Highlighted) -> None:
        event.stop()
        self.post_message(self.Selected(event.ref))
