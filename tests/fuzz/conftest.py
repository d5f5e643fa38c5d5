"""After a run: how many hostile frames each decoder was given, and every distinct crash found."""

from __future__ import annotations

from tests.fuzz.harness import CASES, CRASHES


def pytest_terminal_summary(terminalreporter) -> None:
    if not CASES:
        return
    counts = ", ".join(f"{decoder} {n}" for decoder, n in sorted(CASES.items()))
    terminalreporter.write_line(f"fuzz: {sum(CASES.values())} hostile frames ({counts})")
    for decoder, crashes in sorted(CRASHES.items()):
        for crash, n in crashes.most_common():
            terminalreporter.write_line(f"fuzz: {decoder}: {crash} ({n} cases)")
