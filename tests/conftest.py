# Imported up front: otherwise the hypothesis pytest plugin imports it at session end, from deep in the
# stack, where CPython 3.11.7's ast.parse fails with "AST constructor recursion depth mismatch".
import asyncio
import time
from collections.abc import Awaitable, Callable

import hypothesis  # noqa: F401
import pytest

from tests.fuzz.harness import CASES, CRASHES


def pytest_sessionfinish(session) -> None:
    """On a pytest-xdist worker: hand the fuzz tallies to the controller, which prints the closing summary."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["fuzz_cases"] = dict(CASES)
        workeroutput["fuzz_crashes"] = {decoder: dict(crashes) for decoder, crashes in CRASHES.items()}


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """On the pytest-xdist controller: add up what each worker's fuzz tests tried and found."""
    output = getattr(node, "workeroutput", {})
    CASES.update(output.get("fuzz_cases", {}))
    for decoder, crashes in output.get("fuzz_crashes", {}).items():
        CRASHES[decoder].update(crashes)


def pytest_terminal_summary(terminalreporter) -> None:
    """After a run: how many hostile frames each decoder was given, and every distinct crash found."""
    if not CASES:
        return
    counts = ", ".join(f"{decoder} {n}" for decoder, n in sorted(CASES.items()))
    terminalreporter.write_line(f"fuzz: {sum(CASES.values())} hostile frames ({counts})")
    for decoder, crashes in sorted(CRASHES.items()):
        for crash, n in crashes.most_common():
            terminalreporter.write_line(f"fuzz: {decoder}: {crash} ({n} cases)")


async def eventually(
    condition: Callable[[], object],
    timeout: float = 5.0,
    step: float = 0.05,
    pause: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> bool:
    """Pause (`pause(step)`) until `condition` holds, at most `timeout` seconds; whether it held (assert it)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        await pause(step)
    return True
