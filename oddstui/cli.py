"""The `oddstui` command line: the dashboard by default, plus headless subcommands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from oddstui import __version__
from oddstui.sim.faults import FAULTS_HELP, FaultPlan


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oddstui",
        description="Live sports-betting odds from many sportsbooks on one keyboard-driven screen.",
    )
    parser.add_argument("--version", action="version", version=f"oddstui {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    sim = commands.add_parser("sim", help="run the market simulator (all three providers' protocols) in the foreground")
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--port", type=int, default=8000)
    sim.add_argument("--seed", type=int, default=1)
    sim.add_argument("--rate", type=float, default=200.0, metavar="EVENTS_PER_S", help="price updates per second")
    sim.add_argument("--fixtures-per-league", type=int, default=4)
    sim.add_argument("--faults", default="", metavar="SPEC", help=FAULTS_HELP)
    sim.add_argument("--truth", metavar="FILE", help="write the ground truth (final state of every quote) on exit")
    return parser


def run_sim(args: argparse.Namespace) -> int:
    import orjson

    from oddstui.sim.app import SimOptions, SimServer, Simulator, ground_truth

    try:
        faults = FaultPlan.parse(args.faults)
    except ValueError as exc:
        print(f"oddstui sim: {exc}", file=sys.stderr)
        return 2
    simulator = Simulator(SimOptions(seed=args.seed, rate=args.rate, faults=faults,
                                     fixtures_per_league=args.fixtures_per_league))
    server = SimServer(simulator, args.host, args.port, log_level="warning")
    for name, url in server.urls().items():
        print(f"{name:>14}: {url}")
    print("any API key works except ones starting with bad/invalid/revoked; Ctrl+C stops", flush=True)
    try:
        server.run()
    finally:
        if args.truth:
            with open(args.truth, "wb") as out:
                out.write(orjson.dumps(ground_truth(simulator)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "sim":
        return run_sim(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
