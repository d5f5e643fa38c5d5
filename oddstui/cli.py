"""The `oddstui` command line: the dashboard by default, plus headless subcommands.

Exit status: 0 done; 1 the command failed (a refused key, a parlay not priced); 2 bad arguments or
settings; 70 an internal error (one line on stderr, the traceback in the log file it names); 130 Ctrl+C.
Only the standard library (and the fault list for --help) is imported up front, so that Ctrl+C
during start-up is caught like any other.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import signal
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from oddstui import __version__
from oddstui.sim.faults import FAULTS_HELP

if TYPE_CHECKING:
    from oddstui.config import Settings

PROVIDERS = ("opticodds", "oddspapi", "oddsstream")
"""The same names as config.PROVIDERS (a test keeps them equal), here so that the parser needs no imports."""
SIGNAL_KINDS = ("ev", "arb", "middle", "hold")
"""The values of signals.SignalKind, likewise."""
DEVIG_METHODS = ("multiplicative", "additive", "power", "shin")
"""The values of devig.DevigMethod, likewise."""
INTERNAL_ERROR = 70
INTERRUPTED = 130


def _number(kind: Callable[[str], float], low: float, high: float, words: str) -> Callable[[str], float]:
    """An argparse type: a finite number of `kind` in [low, high]; otherwise a message saying what is wanted."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text!r} is not {words}")
        return value

    parse.__name__ = words  # argparse names the type in some messages
    return parse


COUNT = _number(int, 1, math.inf, "a whole number of 1 or more")
SECONDS = _number(float, 1e-3, 1e9, "a number of seconds above 0")
RATE = _number(float, 1e-3, 1e7, "a number of events per second above 0")
AMOUNT = _number(float, 1e-6, 1e12, "an amount above 0")
PERCENT = _number(float, -100, 1e6, "a percentage")
PORT = _number(int, 0, 65535, "a port number from 0 to 65535 (0: any free port)")


def writable_file(text: str) -> Path:
    """An argparse type: a file path whose directory exists and can be written now, not only at the end."""
    path = Path(text).expanduser()
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a directory; give a file name")
    directory = path.parent
    try:
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as exc:
        raise argparse.ArgumentTypeError(
            f"cannot write in {str(directory)!r} ({exc.strerror or type(exc).__name__})"
        ) from None
    return path


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
    sim.add_argument("--port", type=PORT, default=8000)
    sim.add_argument("--seed", type=int, default=1)
    sim.add_argument("--rate", type=RATE, default=200.0, metavar="EVENTS_PER_S", help="price updates per second")
    sim.add_argument("--fixtures-per-league", type=COUNT, default=4)
    sim.add_argument("--faults", default="", metavar="SPEC", help=FAULTS_HELP)
    sim.add_argument(
        "--truth",
        type=writable_file,
        metavar="FILE",
        help="write the ground truth (every quote's final state) on exit",
    )

    tail = commands.add_parser("tail", help="stream normalized events as JSON lines (health and errors on stderr)")
    tail.add_argument("--provider", action="append", default=[], choices=PROVIDERS)
    tail.add_argument("--sport", action="append", default=[])
    tail.add_argument("--league", action="append", default=[])
    tail.add_argument("--book", action="append", default=[])
    tail.add_argument(
        "--count", type=COUNT, metavar="N", help="exit after N data events printed (applied, with --quiet)"
    )
    tail.add_argument("--for", dest="seconds", type=SECONDS, metavar="SECONDS", help="exit after this many seconds")
    tail.add_argument("--quiet", action="store_true", help="print no events (health and errors still go to stderr)")
    tail.add_argument(
        "--state",
        type=writable_file,
        metavar="FILE",
        help="on exit, write the final quotes and fixtures as JSON to this file",
    )
    tail.add_argument("--demo", action="store_true", help="stream from the built-in simulator")

    scan = commands.add_parser("scan", help="live +EV prices, arbitrages, middles and low-hold markets")
    scan.add_argument("--kind", action="append", default=[], choices=SIGNAL_KINDS)
    scan.add_argument("--min-edge", type=PERCENT, metavar="PCT", help="leave out signals below this edge, in %%")
    scan.add_argument("--stake", type=AMOUNT, default=100.0, metavar="AMOUNT", help="total stake to split (100)")
    scan.add_argument("--unit", type=AMOUNT, default=1.0, help="round stakes to a multiple of this (1)")
    scan.add_argument("--devig", choices=DEVIG_METHODS, help="de-vig method for fair prices (default: the config's)")
    scan.add_argument("--provider", action="append", default=[], choices=PROVIDERS)
    scan.add_argument("--for", dest="seconds", type=SECONDS, metavar="S", help="exit after this many seconds")
    scan.add_argument("--count", type=COUNT, metavar="N", help="exit after this many signal lines")
    scan.add_argument("--json", action="store_true", help="JSON lines instead of a table")
    scan.add_argument("--demo", action="store_true", help="scan the built-in simulator")

    parlay = commands.add_parser("parlay", help="price a parlay of Copilot odd ids through OpticOdds")
    parlay.add_argument("ids", nargs="+", metavar="ID")

    cfg = commands.add_parser("config", help="where the settings file is, and whether it is valid")
    cfg.add_argument("action", choices=["path", "check", "init"])
    return parser


def load_settings() -> Settings | None:
    from oddstui import config

    try:
        return config.load()
    except config.ConfigError as exc:
        print(f"oddstui: bad settings: {exc}", file=sys.stderr)
        return None


def run_sim(args: argparse.Namespace) -> int:
    import msgspec

    from oddstui.sim.app import SimOptions, SimServer, Simulator, ground_truth
    from oddstui.sim.faults import FaultPlan

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
            from oddstui.persist import write_atomic

            write_atomic(args.truth, msgspec.json.encode(ground_truth(simulator)))
    return 0


def run_config(args: argparse.Namespace) -> int:
    from oddstui import config, config_check
    from oddstui.persist import SettingsFile

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
    print(f"sharp books (the fair price's source, first live one wins): {', '.join(settings.sharp_books) or 'none'}")
    print(f"de-vig method (fair prices in the grid, the scanner and scan): {settings.devig.value}")
    for line in config_check.report(settings, SettingsFile().settings):
        print(line)
    return 0


def run_tail(args: argparse.Namespace) -> int:
    import dataclasses

    import platformdirs

    from oddstui.config import APP_NAME
    from oddstui.tail import TailOptions, tail_until_interrupted

    settings = load_settings()
    if settings is None:
        return 2
    settings = dataclasses.replace(
        settings,
        sports=tuple(args.sport) or settings.sports,
        leagues=tuple(args.league) or settings.leagues,
        books=tuple(args.book) or settings.books,
    )
    server = None
    try:
        if args.demo or not settings.enabled:
            from oddstui.demo import start_demo

            server, settings = start_demo(settings)
            print("oddstui tail: no provider keys set: streaming from the built-in simulator", file=sys.stderr)
        options = TailOptions(tuple(args.provider), args.count, args.seconds, args.quiet, args.state)
        cache_dir = Path(platformdirs.user_cache_dir(APP_NAME))
        return asyncio.run(tail_until_interrupted(settings, options, cache_dir=cache_dir))
    except asyncio.CancelledError:  # a second Ctrl+C
        return INTERRUPTED
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


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from oddstui.logfile import setup_logging

    setup_logging()
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


def _say_nothing(_: object) -> None:
    """An unraisable-exception hook for a process ending on Ctrl+C: what is torn down says nothing."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; Ctrl+C at any moment ends it with 130 and no traceback, a crash with one line and 70."""
    try:
        try:
            return run(argv)
        except RuntimeError as exc:  # Ctrl+C while a class was being made (a __set_name__ hook) comes wrapped
            if isinstance(exc.__cause__, KeyboardInterrupt):
                raise exc.__cause__ from None
            raise
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl+C while shutting down prints nothing either
        sys.unraisablehook = _say_nothing  # an event loop the interrupt left half-made must not warn at exit
        return INTERRUPTED
    except BrokenPipeError:  # `oddstui tail | head`: the reader left
        return quiet_broken_pipe()
    except Exception as exc:
        try:
            from oddstui.logfile import report_crash

            message = report_crash(exc)
        except Exception:  # the crash report itself failed: still one line, still no key
            from oddstui.secret import scrub

            message = scrub(f"oddstui: internal error: {type(exc).__name__}: {exc}").splitlines()[0]
        print(message, file=sys.stderr)
        return INTERNAL_ERROR


def quiet_broken_pipe() -> int:
    """Point stdout at /dev/null so that the interpreter's final flush does not complain too."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 1


if __name__ == "__main__":
    sys.exit(main())
