"""The `oddstui` command line: the dashboard by default, plus headless subcommands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from oddstui import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oddstui",
        description="Live sports-betting odds from many sportsbooks on one keyboard-driven screen.",
    )
    parser.add_argument("--version", action="version", version=f"oddstui {__version__}")
    parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
