"""Stream health on one line: per provider and stream kind, state (with 'reconnecting in Ns'), events/s, last event.

The line never wraps: where the terminal is narrow it drops detail, then shortens names.

Many connections of one kind (OpticOdds opens one per sport and book group) are summed into one entry;
the worst state among them is the one shown, so a lost connection is never hidden.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace

from rich.text import Text
from textual.widgets import Static

from oddstui.model import StreamHealth, StreamState
from oddstui.render_guard import RENDER_ERRORS, safe_text
from oddstui.store import Store, StreamStats
from oddstui.ui.guard import failed_text

SEVERITY = [
    StreamState.AUTH_ERROR,
    StreamState.DOWN,
    StreamState.RATE_LIMITED,
    StreamState.RECONNECTING,
    StreamState.STALE,
    StreamState.CONNECTING,
    StreamState.LIVE,
]
STATE_STYLES = {
    StreamState.LIVE: "bold green",
    StreamState.CONNECTING: "yellow",
    StreamState.RECONNECTING: "bold yellow",
    StreamState.RATE_LIMITED: "bold magenta",
    StreamState.STALE: "bold yellow",
    StreamState.AUTH_ERROR: "bold red",
    StreamState.DOWN: "bold red",
}
PROVIDER_NAMES = {"opticodds": "OpticOdds", "oddspapi": "OddsPapi", "oddsstream": "OddsStream"}


@dataclass
class StreamGroup:
    name: str
    states: list[StreamHealth] = field(default_factory=list)
    rate: float = 0.0
    last_event_at: float | None = None
    malformed: int = 0

    def add(self, health: StreamHealth, stats: StreamStats, rate: float) -> None:
        self.states.append(health)
        self.rate += rate
        self.malformed += stats.malformed
        if stats.last_event_at is not None:
            self.last_event_at = max(self.last_event_at or 0.0, stats.last_event_at)


def group_name(stream: str) -> str:
    """'opticodds:odds:basketball:0' -> 'OpticOdds odds'."""
    parts = stream.split(":")
    kind = parts[1] if len(parts) > 2 else ""
    return f"{PROVIDER_NAMES.get(parts[0], parts[0])} {kind}".strip()


SHORT_NAMES = {"OpticOdds": "Optic", "OddsPapi": "Papi", "OddsStream": "OStream"}
RATE_WINDOW = 5.0
"""Seconds of events each stream's rate is measured over."""
DETAIL_STATES = (StreamState.AUTH_ERROR, StreamState.DOWN, StreamState.RATE_LIMITED)
"""States whose reason is worth the room: the stream has stopped or is held back."""


def worst_health(group: StreamGroup) -> StreamHealth:
    return min(group.states, key=lambda h: SEVERITY.index(h.state))


def group_entry(group: StreamGroup, now: float, level: int = 0) -> Text:
    """One group's entry; `level` 0 says everything, 1 drops the reason and the last-event age, 2 shortens
    names, 3 drops the rates too: the state is always said."""
    worst = worst_health(group)
    live = sum(h.state is StreamState.LIVE for h in group.states)
    name = group.name
    if level >= 2:
        provider, _, kind = name.partition(" ")
        name = f"{SHORT_NAMES.get(provider, provider)} {kind}".strip()
    text = Text(f"{safe_text(name)} ", style="bold")
    if len(group.states) > 1 and level < 2:
        text.append(f"{live}/{len(group.states)} ", style="dim")
    state = worst.state.value
    if worst.retry_at is not None and worst.state in (StreamState.RECONNECTING, StreamState.RATE_LIMITED):
        state += f" in {max(0.0, worst.retry_at - now):.0f}s"
    text.append(state, style=STATE_STYLES.get(worst.state, ""))
    if worst.state in DETAIL_STATES and worst.detail and level == 0:
        text.append(f" {safe_text(worst.detail[:60])}", style="red")
    if live and level < 3:
        text.append(f" {group.rate:.0f}/s", style="dim")
        if group.last_event_at is not None and level == 0:
            text.append(f" {max(0.0, now - group.last_event_at):.0f}s ago", style="dim")
    if group.malformed:
        text.append(f" {group.malformed} bad" if level else f" {group.malformed} bad frames", style="yellow")
    return text


def status_text(groups: list[StreamGroup], demo: bool, now: float, level: int, render_errors: int = 0) -> Text:
    """The whole line at a detail `level`; values the screen could not show are counted at its end."""
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    if demo:
        line.append(" DEMO ", style="bold reverse yellow")
        if level == 0:
            line.append(" simulator, no keys set ", style="yellow")
    if not groups:
        line.append(" no streams", style="bold red")
    for group in groups:
        line.append("  │  " if level == 0 else " │ ", style="dim")
        line.append_text(group_entry(group, now, level))
    if render_errors:
        line.append("  │  " if level == 0 else " │ ", style="dim")
        line.append(f"render errors {render_errors}", style="bold yellow")
    return line


def blocked_reason(store: Store) -> str | None:
    """Why no stream delivers, when none is live and one has stopped or is held back: shown where prices would be."""
    health = store.health()
    if not health or any(h.state is StreamState.LIVE for h in health):
        return None
    stopped = [h for h in health if h.state in DETAIL_STATES]
    if not stopped:
        return None
    worst = min(stopped, key=lambda h: SEVERITY.index(h.state))
    provider = PROVIDER_NAMES.get(worst.provider, worst.provider)
    return f"{provider}: {worst.state.value}: {worst.detail or 'no reason given'}"


def with_refused_keys(healths: list[StreamHealth]) -> list[StreamHealth]:
    """A provider's key was refused: its streams still shown 'connecting' use the same key and cannot start.

    They are shown with the refusal rather than left at 'connecting' (the client stops its siblings on a
    refused key without reporting them).
    """
    refused = {h.provider: h for h in healths if h.state is StreamState.AUTH_ERROR}
    return [
        replace(h, state=StreamState.AUTH_ERROR, detail=refused[h.provider].detail, retry_at=None)
        if h.provider in refused and h.state is StreamState.CONNECTING
        else h
        for h in healths
    ]


class StatusLine(Static):
    """Stream health in one line that never wraps: it drops detail until it fits. It keeps its own event rates."""

    DEFAULT_CSS = "StatusLine { height: 1; background: $panel; padding: 0 1; }"

    def __init__(self, store: Store, demo: bool, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = store
        self.demo = demo
        self.groups: list[StreamGroup] = []
        self.now = 0.0
        self._counts: dict[str, deque[tuple[float, int]]] = {}
        """Per stream: (time, events so far) at each redraw of the last RATE_WINDOW seconds, oldest first."""
        self._render_errors_before = RENDER_ERRORS.count
        """The process's count when this dashboard started: the line shows this dashboard's own."""

    def show_streams(self, now: float) -> None:
        """Measure each stream's event rate over the last RATE_WINDOW seconds, group them, and redraw."""
        groups: dict[str, StreamGroup] = {}
        for health in with_refused_keys(self.store.health()):
            stats = self.store.stats(health.stream)
            rate = self._rate(health.stream, stats.events, now)
            name = group_name(health.stream)
            groups.setdefault(name, StreamGroup(name)).add(health, stats, rate)
        self.groups, self.now = sorted(groups.values(), key=lambda g: g.name), now
        self._draw()

    def _rate(self, stream: str, events: int, now: float) -> float:
        """Events per second since the oldest count in the window (a feed comes in bursts: one second is noise)."""
        counts = self._counts.get(stream)
        if counts is None:
            counts = self._counts[stream] = deque()
        counts.append((now, events))
        while len(counts) > 2 and now - counts[1][0] >= RATE_WINDOW:
            counts.popleft()
        since, before = counts[0]
        return (events - before) / (now - since) if now - since >= 1.0 else 0.0

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        width = max(1, self.content_region.width)
        try:
            for level in (0, 1, 2, 3):
                errors = RENDER_ERRORS.count - self._render_errors_before
                line = status_text(self.groups, self.demo, self.now, level, errors)
                if line.cell_len <= width:
                    break
        except Exception as exc:  # rendering never raises: the line shows the placeholder, counted and logged
            line = failed_text(self, exc)
        self.update(line, layout=False)  # one line, its size fixed: no need to lay the screen out again
