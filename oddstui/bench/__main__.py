from __future__ import annotations

import argparse
import importlib
import sys

BENCHES = {
    "ingest": "oddstui.bench.ingest",
    "scan": "oddstui.bench.scan",
    "sim": "oddstui.bench.sim",
    "soak": "oddstui.bench.soak",
    "store": "oddstui.bench.store",
    "ui": "oddstui.bench.ui",
}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m oddstui.bench", description="Run an oddstui benchmark.")
    parser.add_argument("bench", choices=sorted(BENCHES))
    args, rest = parser.parse_known_args()
    module = importlib.import_module(BENCHES[args.bench])
    return module.main(rest)


if __name__ == "__main__":
    sys.exit(main())
