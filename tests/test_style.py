"""The code base stays ruff clean, lint and format, and mypy clean (both come with the test extra)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "oddstui", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "oddstui", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.timeout(150)
def test_mypy_clean():
    """The settings are pyproject.toml's [tool.mypy]; the cache (.mypy_cache) makes runs after the first quick."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "oddstui"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
