"""The price alerts set from the keyboard, on disk beside the watchlists (`alerts.json` in the user data dir).

Read and written like the watchlists (`persist.JsonFile`): a file that cannot be used is moved aside, never
overwritten; writes are atomic. A rule with any field that does not decode is dropped whole, never loaded
without it (an alert missing its book or line would watch something else), and named in one notice.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from oddstui.alert_rule import AlertRule
from oddstui.persist import JsonFile, data_dir


class AlertBook:
    """The keyboard's alert rules, in the order they were set."""

    def __init__(self, directory: Path | None = None) -> None:
        self.file = JsonFile((directory or data_dir()) / "alerts.json")
        self.rules: list[AlertRule] = []
        raw = self.file.read()
        if raw is None:
            return
        items = raw.get("alerts")
        if not isinstance(items, list):
            self.file.invalid("no list of alerts")
            return
        dropped: list[str] = []
        for index, item in enumerate(items):
            try:
                rule = msgspec.convert(item, AlertRule)
            except msgspec.ValidationError as exc:
                problem, _, path = str(exc).partition(" - at `$")
                dropped.append(f"alerts[{index}]{path.rstrip('`')} ({problem})")
                continue
            if rule not in self.rules:
                self.rules.append(rule)
        self.file.dropped(dropped)

    @property
    def problem(self) -> str | None:
        return self.file.problem

    def add(self, rule: AlertRule) -> bool:
        """Keep a new rule; False when the same rule is already kept or the disk refused."""
        if rule in self.rules:
            return False
        self.rules.append(rule)
        return self._write()

    def delete(self, rule: AlertRule) -> bool:
        self.rules.remove(rule)
        return self._write()

    def _write(self) -> bool:
        return self.file.write({"alerts": self.rules})
