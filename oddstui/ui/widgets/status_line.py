"""Stream health on one line: per provider and stream kind, state (with 'reconnecting in Ns'), events/s, last event.

Many connections of one kind (OpticOdds opens one per sport and book group) are summed into one entry;
the worst state among them is the one shown, so a lost connection is never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual.widgets import Static

from oddstui.model import StreamHealth, StreamState
from oddstui.store import StreamStats

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


def group_entry(group: StreamGroup, now: float) -> Text:
    worst = min(group.states, key=lambda h: SEVERITY.index(h.state))
    live = sum(h.state is StreamState.LIVE for h in group.states)
    text = Text(f"{group.name} ", style="bold")
    if len(group.states) > 1:
        text.append(f"{live}/{len(group.states)} ", style="dim")
    state = worst.state.value
    if worst.retry_at is not None and worst.state in (StreamState.RECONNECTING, StreamState.RATE_LIMITED):
        state += f" in {max(0.0, worst.retry_at - now):.0f}s"
    text.append(state, style=STATE_STYLES.get(worst.state, ""))
    if worst.state is StreamState.AUTH_ERROR and worst.detail:
        text.append(f" {worst.detail[:60]}", style="red")
    if live:
        text.append(f" {group.rate:.0f}/s", style="dim")
        if group.last_event_at is not None:
            text.append(f" {max(0.0, now - group.last_event_at):.0f}s ago", style="dim")
    if group.malformed:
        text.append(f" {group.malformed} bad frames", style="yellow")
    return text


class StatusLine(Static):
    DEFAULT_CSS = "StatusLine { height: auto; max-height: 3; background: $panel; padding: 0 1; }"

    def show(self, groups: list[StreamGroup], demo: bool, now: float) -> None:
        line = Text()
        if demo:
            line.append(" DEMO ", style="bold reverse yellow")
            line.append(" simulator, no keys set ", style="yellow")
        if not groups:
            line.append(" no streams", style="bold red")
        for group in groups:
            line.append("  │  ", style="dim")
            line.append_text(group_entry(group, now))
        self.update(line)
