"""The `oddstui` command line: the dashboard by default, plus headless subcommands."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from oddstui import __version__, config
from oddstui.sim.faults import FAULTS_HELP, FaultPlan


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oddstui",
        description="Live sports-betting odds from many sportsbooks on one keyboard-driven screen. "
        "With no provider keys set, it runs on the built-in market simulator.",
    )
    parser.add_argument("--version", action="version", version=f"oddstui {__version__}")
    parser.add_argument("--demo", action="store_true", help="use the built-in simulator even when keys are set")
    parser.add_argument("--theme", help="theme name (see themes/ and your config dir)")
    parser.add_argument("--seed", type=int, default=1, help="simulator seed for --demo")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    sim = commands.add_parser("sim", help="run the market simulator (all three providers' protocols) in the foreground")
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--port", type=int, default=8000)
    sim.add_argument("--seed", type=int, default=1)
    sim.add_argument("--rate", type=float, default=200.0, metavar="EVENTS_PER_S", help="price updates per second")
    sim.add_argument("--fixtures-per-league", type=int, default=4)
    sim.add_argument("--faults", default="", metavar="SPEC", help=FAULTS_HELP)
    sim.add_argument("--truth", metavar="FILE", help="write the ground truth (final state of every quote) on exit")

    tail = commands.add_parser("tail", help="stream normalized events as JSON lines (health and errors on stderr)")
    tail.add_argument("--provider", action="append", default=[], choices=config.PROVIDERS)
    tail.add_argument("--sport", action="append", default=[])
    tail.add_argument("--league", action="append", default=[])
    tail.add_argument("--book", action="append", default=[])
    tail.add_argument("--count", type=int, help="exit after this many data events")
    tail.add_argument("--for", dest="seconds", type=float, help="exit after this many seconds")
    tail.add_argument("--quiet", action="store_true", help="print no events (health and errors still go to stderr)")
    tail.add_argument("--state", type=Path, help="on exit, write the final quotes and fixtures as JSON to this file")
    tail.add_argument("--demo", action="store_true", help="stream from the built-in simulator")

    from oddstui import scan

    scan.add_arguments(commands.add_parser("scan", help="live +EV prices, arbitrages, middles and low-hold markets"))

    parlay = commands.add_parser("parlay", help="price a parlay of Copilot odd ids through OpticOdds")
    parlay.add_argument("ids", nargs="+", metavar="ID")

    cfg = commands.add_parser("config", help="where the settings file is, and whether it is valid")
    cfg.add_argument("action", choices=["path", "check", "init"])
    return parser


def load_settings() -> config.Settings | None:
    try:
        return config.load()
    except config.ConfigError as exc:
        print(f"oddstui: bad settings: {exc}", file=sys.stderr)
        return None


def run_sim(args: argparse.Namespace) -> int:
    import msgspec

    from oddstui.sim.app import SimOptions, SimServer, Simulator, ground_truth

    try:
        faults = FaultPlan.parse(args.faults)
    except ValueError as exc:
        print(f"oddstui sim: {exc}", file=sys.stderr)
        return 2
    simulator = Simulator(
        SimOptions(seed=args.seed, rate=args.rate, faults=faults, fixtures_per_league=args.fixtures_per_league)
    )
    server = SimServer(simulator, args.host, args.port, log_level="warning")
    for name, url in server.urls().items():
        print(f"{name:>14}: {url}")
    print("any API key works except ones starting with bad/invalid/revoked; Ctrl+C stops", flush=True)
    try:
        server.run()
    finally:
        if args.truth:
            with open(args.truth, "wb") as out:
                out.write(msgspec.json.encode(ground_truth(simulator)))
    return 0


def run_config(args: argparse.Namespace) -> int:
    path = config.config_path()
    if args.action == "path":
        print(path)
        return 0
    if args.action == "init":
        if path.exists():
            print(f"{path} already exists; not touching it", file=sys.stderr)
            return 1
        config.write_template(path)
        print(f"wrote {path} (mode 0600)")
        return 0
    settings = load_settings()
    if settings is None:
        return 2
    where = path if path.exists() else f"{path} (not created yet: defaults)"
    enabled = ", ".join(p.name for p in settings.enabled) or "none: oddstui runs on the built-in simulator"
    print(f"{where}: valid\nproviders with a key: {enabled}")
    return 0


def run_tail(args: argparse.Namespace) -> int:
    import dataclasses

    import platformdirs

    from oddstui.tail import TailOptions, tail

    settings = load_settings()
    if settings is None:
        return 2
    overrides = {k: tuple(v) for k, v in (("sports", args.sport), ("leagues", args.league), ("books", args.book)) if v}
    settings = dataclasses.replace(settings, **overrides)
    server = None
    if args.demo or not settings.enabled:
        from oddstui.demo import start_demo

        server, settings = start_demo(settings)
        print("oddstui tail: no provider keys set: streaming from the built-in simulator", file=sys.stderr)
    options = TailOptions(tuple(args.provider), args.count, args.seconds, args.quiet, args.state)
    try:
        return asyncio.run(tail(settings, options, cache_dir=Path(platformdirs.user_cache_dir(config.APP_NAME))))
    except KeyboardInterrupt:
        return 130
    finally:
        if server is not None:
            server.stop()


def run_parlay(args: argparse.Namespace) -> int:
    from rich.console import Console

    from oddstui.parlay_cli import price_and_print

    settings = load_settings()
    if settings is None:
        return 2
    provider = settings.providers["opticodds"]
    if not provider.enabled:
        print("oddstui parlay: needs an OpticOdds key (OPTICODDS_API_KEY or [opticodds] api_key)", file=sys.stderr)
        return 2
    return asyncio.run(price_and_print(provider, args.ids, Console()))


def run_dashboard(args: argparse.Namespace) -> int:
    from oddstui.ui.launch import launch

    settings = load_settings()
    if settings is None:
        return 2
    return launch(settings, demo=args.demo, theme=args.theme, seed=args.seed)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    match args.command:
        case "sim":
            return run_sim(args)
        case "tail":
            return run_tail(args)
        case "parlay":
            return run_parlay(args)
        case "scan":
            from oddstui import scan

            return scan.run(args, load_settings)
        case "config":
            return run_config(args)
    return run_dashboard(args)


if __name__ == "__main__":
    sys.exit(main())
