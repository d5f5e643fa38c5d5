"""Each layer imports only the layers below it (import-linter contracts in pyproject.toml), and the
headless layers never load textual at run time."""

import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import oddstui

ROOT = Path(__file__).resolve().parent.parent
UI_PREFIXES = ("oddstui.ui", "oddstui.bench.ui", "oddstui.bench.soak", "oddstui.__main__")
"""Everything else is headless: core, providers, simulator, config, `tail`, `parlay`, the CLI itself."""


def headless_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(oddstui.__path__, "oddstui.")]
    return sorted(n for n in names if not n.startswith(UI_PREFIXES))


def test_core_modules_exist():
    expected = {
        "oddstui.model",
        "oddstui.odds",
        "oddstui.store",
        "oddstui.providers.opticodds",
        "oddstui.providers.oddspapi",
        "oddstui.providers.oddsstream",
        "oddstui.tail",
        "oddstui.cli",
    }
    assert expected <= set(headless_modules())


def test_headless_layers_do_not_load_textual():
    modules = headless_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"textual loaded by a headless layer: {result.stdout}"


def test_core_loads_no_network_storage_or_ui_library():
    """The core is pure data and logic: the standard library, plus msgspec for its structs."""
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import oddstui.model, oddstui.odds, oddstui.store\n"
        "new = {m.split('.')[0] for m in set(sys.modules) - before if sys.modules[m] is not None}\n"
        "io = {'httpx', 'httpcore', 'anyio', 'websockets', 'msgpack', 'rich', 'textual', 'starlette', 'uvicorn',\n"
        "      'platformdirs', 'sqlite3', 'socket', 'ssl', 'asyncio'}\n"
        "print(','.join(sorted(new & io)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == ""


def test_every_module_has_a_layer():
    """A new top-level module must be placed in the layers contract, or it would escape every check."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]
    named = {name.strip() for layer in config["layers"] for name in layer.split(":")}
    modules = {f"oddstui.{m.name}" for m in pkgutil.iter_modules(oddstui.__path__)}
    assert modules - named == set()


def test_import_contracts_hold():
    """Static: every import chain, also inside functions, respects the layers declared in pyproject.toml."""
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    result = subprocess.run([lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
