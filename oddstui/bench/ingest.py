"""Ingest benchmark: oddstui's OpticOdds pipeline against the provider's own sample consumer.

Both read the same simulator (`oddstui sim`, in its own process, at a firehose rate), one after
the other in the same run, for the same sport and books:

- baseline: the SSE guide's consumer (requests + sseclient-py + json) feeding the guide's dict cache;
- oddstui: `oddstui tail --provider opticodds --quiet --count N`: SSE parsing, normalization to
  quotes, the coalescing feed and the store, plus the results and Copilot streams it also runs.

The simulator serves each connection at a rate of its own, so wall-clock rates partly measure the
server. The figure compared is CPU time per quote update in the consumer's whole process, start-up
included. The default run, 20,000 events (about 700,000 quote updates), is long enough to measure a
stream consumer rather than its start-up; start-up is also measured on its own (a run that stops at
its first event) and printed, so short runs can be judged too.

Every run gets a fresh simulator with the same seed (one left running slows down over minutes), on
a CPU of its own when there are two. The consumers take turns for `--rounds` rounds and each is
judged by its best round: on a shared machine noise only ever adds CPU time.

Then the event shapes: one recording of the stream, replayed in-process through both consumers as
served and with one odd an event (`oddstui.bench.ingest_replay`).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from oddstui.bench import ingest_replay
from oddstui.bench.sim import running_sim

BOOKS = ("Pinnacle", "DraftKings", "FanDuel", "BetMGM", "Caesars")
TARGET = 2.5
RATE = 1_000_000.0
"""The simulator's price updates per second: as fast as it can serve them."""
SAMPLE_RUNNER = """
import sys, time
from oddstui.bench import opticodds_sample as sample
sample.BASE_URL = sys.argv[1]
limit = int(sys.argv[2])
odds_cache, locked_set = {}, set()
seen = {"events": 0, "quotes": 0}

def handle_odds_event(data):
    for odd in data["data"]:
        key = odd["id"]
        odds_cache[key] = odd
        locked_set.discard(key)
    count(data)

def handle_locked_event(data):
    for odd in data["data"]:
        locked_set.add(odd["id"])
    count(data)

def count(data):
    seen["events"] += 1
    seen["quotes"] += len(data["data"])
    if seen["events"] >= limit:
        raise KeyboardInterrupt

started = time.monotonic()
sample.stream_odds("basketball", sys.argv[3:], on_odds=handle_odds_event, on_locked=handle_locked_event)
print(f"sample: {seen['events']} events, {seen['quotes']} quote updates, in {time.monotonic() - started:.2f} s",
      file=sys.stderr)
"""


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Run:
    """One consumer process: CPU seconds and quote updates."""

    cpu: float
    updates: int

    @property
    def rate(self) -> float:
        """Quote updates per CPU second."""
        return self.updates / self.cpu


def pin_to(cpu: int) -> Callable[[], None] | None:
    """A preexec hook that keeps a process on one CPU, when there are at least two to share."""
    if not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2:
        return None
    cpus = sorted(os.sched_getaffinity(0))
    return lambda: os.sched_setaffinity(0, {cpus[cpu]})


def run_consumer(command_for: Callable[[str], list[str]], env: dict[str, str]) -> Run:
    """Run one consumer (its command line built for the OpticOdds base URL) against a fresh simulator."""
    with running_sim(RATE, preexec_fn=pin_to(0)) as sim:
        base = f"{sim}/opticodds/api/v3"
        cpu = children_cpu()
        result = subprocess.run(
            command_for(base),
            env=env | {"OPTICODDS_BASE_URL": base},
            capture_output=True,
            text=True,
            timeout=300,
            preexec_fn=pin_to(1),
        )
        cpu = children_cpu() - cpu
    summary = re.search(r"(\d+) quote updates", result.stderr)
    if result.returncode != 0 or summary is None:
        raise RuntimeError(f"{result.args[2:5]} failed: {result.stderr[-2000:]}")
    return Run(cpu, int(summary.group(1)))


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m oddstui.bench ingest", description=__doc__)
    parser.add_argument("--events", type=int, default=20_000, help="data events each consumer reads")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each consumer, alternating")
    parser.add_argument("--shape-rounds", type=int, default=5, help="replays of each event shape (0: none)")
    args = parser.parse_args(argv)

    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env |= {"OPTICODDS_API_KEY": "bench-key", "PYTHONUNBUFFERED": "1"}
    books = [arg for book in BOOKS for arg in ("--book", book)]

    def sample(events: int) -> Run:
        return run_consumer(lambda base: [sys.executable, "-c", SAMPLE_RUNNER, base, str(events), *BOOKS], env)

    def ours(events: int) -> Run:
        return run_consumer(
            lambda _: [
                sys.executable,
                "-m",
                "oddstui",
                "tail",
                "--provider",
                "opticodds",
                "--sport",
                "basketball",
                *books,
                "--quiet",
                "--count",
                str(events),
            ],
            env,
        )

    startup = sample(1), ours(1)
    rounds = [(sample(args.events), ours(args.events)) for _ in range(args.rounds)]
    for number, (theirs, mine) in enumerate(rounds, 1):
        print(
            f"round {number}: sample {theirs.updates:,} updates in {theirs.cpu:.2f} CPU s ({theirs.rate:,.0f}/s), "
            f"oddstui {mine.updates:,} in {mine.cpu:.2f} CPU s ({mine.rate:,.0f}/s): {mine.rate / theirs.rate:.2f}x"
        )
    best_sample = max((theirs for theirs, _ in rounds), key=lambda run: run.rate)
    best_ours = max((mine for _, mine in rounds), key=lambda run: run.rate)
    print(
        f"start-up to the first event: sample {startup[0].cpu:.2f} CPU s, oddstui {startup[1].cpu:.2f} CPU s "
        "(included in every figure above and below)"
    )
    print(
        f"sample consumer (requests + sseclient-py + json + dict cache), best round: "
        f"{best_sample.rate:,.0f} updates per CPU second"
    )
    print(
        f"oddstui tail --quiet (SSE, normalize, feed, store), best round:           "
        f"{best_ours.rate:,.0f} updates per CPU second"
    )
    ratio = best_ours.rate / best_sample.rate
    print(f"ratio: {ratio:.2f}x (target >= {TARGET}x: {'met' if ratio >= TARGET else 'MISSED'})")
    if args.shape_rounds:
        print_shapes(args.shape_rounds)
    return 0 if ratio >= TARGET else 1


def print_shapes(rounds: int) -> None:
    """Both consumers on one recording, as served and one odd an event, in-process, taking turns: best of `rounds`."""
    with running_sim(RATE) as sim:
        body = ingest_replay.record(f"{sim}/opticodds/api/v3", BOOKS, seconds=20)
    for shape in ingest_replay.shapes(body):
        runs = [
            (ingest_replay.sample_rate(shape.body), ingest_replay.oddstui_rate(shape.body, BOOKS))
            for _ in range(rounds)
        ]
        theirs, mine = max(run[0] for run in runs), max(run[1] for run in runs)
        print(
            f"replayed, {shape.name} ({shape.events:,} events, {shape.odds:,} odds): sample {theirs:,.0f}, "
            f"oddstui {mine:,.0f} updates per CPU second: {mine / theirs:.2f}x"
        )
