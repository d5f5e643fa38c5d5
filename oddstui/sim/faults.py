"""Fault injection for the simulator: `--faults cut=500,429=3@20,malformed=50,...`."""

from __future__ import annotations

from dataclasses import dataclass

FAULTS_HELP = (
    "comma-separated faults: cut=N (cut each connection mid-event every N events), "
    "429=N@M (a burst of N 429s after every M accepted connections), "
    "malformed=N (a malformed frame every N events), restart=N (a server restart every N events), "
    "stall=N:S (after every N events, S seconds with no data and no pings), "
    "accept_close=N (every Nth WebSocket is accepted, then closed)"
)


@dataclass(frozen=True, slots=True)
class FaultPlan:
    cut_every: int = 0
    burst_429: int = 0
    burst_429_every: int = 0
    malformed_every: int = 0
    restart_every: int = 0
    stall_every: int = 0
    stall_seconds: float = 0.0
    accept_close_every: int = 0

    @classmethod
    def parse(cls, spec: str) -> FaultPlan:
        """Parse a fault spec; raises ValueError naming the bad part and the accepted form."""
        fields: dict[str, float] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            name, sep, value = part.partition("=")
            try:
                if not sep:
                    raise ValueError
                match name.strip():
                    case "cut":
                        fields["cut_every"] = _positive(value)
                    case "429":
                        count, at, every = value.partition("@")
                        fields["burst_429"] = _positive(count)
                        fields["burst_429_every"] = _positive(every) if at else 1
                    case "malformed":
                        fields["malformed_every"] = _positive(value)
                    case "restart":
                        fields["restart_every"] = _positive(value)
                    case "stall":
                        every, _, seconds = value.partition(":")
                        fields["stall_every"] = _positive(every)
                        fields["stall_seconds"] = float(seconds or 10)
                    case "accept_close":
                        fields["accept_close_every"] = _positive(value)
                    case _:
                        raise ValueError
            except ValueError:
                raise ValueError(f"bad fault {part!r}; {FAULTS_HELP}") from None
        return cls(**fields)  # type: ignore[arg-type]


NO_FAULTS = FaultPlan()


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError
    return value
