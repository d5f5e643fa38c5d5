"""The fixture list: grouped by league, with live, alert and pinned markers, and the filter in force above it."""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from oddstui.model import Fixture, FixtureStatus

FixtureRef = tuple[str, str]
SEPARATOR = "\x1f"
NAME_WIDTH = 27


def ref_id(ref: FixtureRef) -> str:
    return SEPARATOR.join(ref)


def local_time(epoch: float) -> str:
    """Start time in the user's local time, as 'Mon 24 19:30'."""
    start = time.localtime(epoch)
    return time.strftime("%a %d %H:%M", start)


def fixture_label(fixture: Fixture, pinned: bool, unread: bool) -> Text:
    text = Text()
    text.append("● " if fixture.is_live else "  ", style="bold red" if fixture.is_live else "")
    text.append("★" if pinned else " ", style="bold yellow")
    text.append("!" if unread else " ", style="bold magenta")
    name = f"{fixture.away} @ {fixture.home}"
    text.append(" " + (name if len(name) <= NAME_WIDTH else name[: NAME_WIDTH - 1] + "…"))
    status = fixture.status
    detail = local_time(fixture.start)
    if fixture.score is not None and (fixture.is_live or status is FixtureStatus.COMPLETED):
        detail = f"{fixture.score.away}-{fixture.score.home}"
    text.append(f"\n     {detail}  ", style="dim")
    colour = {"live": "red", "half": "red", "completed": "dim", "cancelled": "bold yellow",
              "postponed": "bold yellow", "delayed": "yellow", "suspended": "yellow"}.get(status.value, "dim")
    text.append(status.value, style=colour)
    return text


class FixtureList(Vertical):
    """Fixtures passing the current filter; highlighting one selects it for the grid."""

    BINDINGS = [Binding("j", "cursor_down", "Down", show=False), Binding("k", "cursor_up", "Up", show=False)]
    DEFAULT_CSS = """
    FixtureList { width: 38; }
    FixtureList #filter { height: auto; color: $text-muted; padding: 0 1; }
    FixtureList OptionList { height: 1fr; }
    """

    class Selected(Message):
        def __init__(self, ref: FixtureRef | None) -> None:
            super().__init__()
            self.ref = ref

    def compose(self) -> ComposeResult:
        yield Static("all fixtures", id="filter")
        yield OptionList(id="fixtures")

    @property
    def options(self) -> OptionList:
        return self.query_one("#fixtures", OptionList)

    def show(self, fixtures: list[Fixture], pinned: set[FixtureRef], unread: set[FixtureRef], summary: str) -> None:
        """Replace the list, keeping the highlighted fixture where it is still listed."""
        self.query_one("#filter", Static).update(summary)
        options = self.options
        highlighted = options.get_option_at_index(options.highlighted).id \
            if options.highlighted is not None and options.option_count else None
        items: list[Option] = []
        league = None
        for fixture in fixtures:
            if fixture.league != league:
                league = fixture.league
                items.append(Option(Text(league or "other", style="bold reverse"), disabled=True))
            ref = (fixture.provider, fixture.fixture_id)
            items.append(Option(fixture_label(fixture, ref in pinned, ref in unread), id=ref_id(ref)))
        options.set_options(items)
        ids = [item.id for item in items]
        if highlighted is not None and highlighted in ids:
            options.highlighted = ids.index(highlighted)
        elif any(ids):
            options.highlighted = next(i for i, item_id in enumerate(ids) if item_id)
            self.post_message(self.Selected(self.selected))

    @property
    def selected(self) -> FixtureRef | None:
        options = self.options
        if options.highlighted is None or not options.option_count:
            return None
        option_id = options.get_option_at_index(options.highlighted).id
        if not option_id:
            return None
        provider, _, fixture_id = option_id.partition(SEPARATOR)
        return provider, fixture_id

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.Selected(self.selected))

    def action_cursor_down(self) -> None:
        self.options.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.options.action_cursor_up()
