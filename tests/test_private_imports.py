"""No module of oddstui (benchmarks aside: they reach into a client's internals) imports another module's private
name: what two modules share is public."""

import ast
from pathlib import Path

from oddstui.market_view import outcome_sets, pair_key
from tests.factories import game

PACKAGE = Path(__file__).resolve().parent.parent / "oddstui"


def test_no_module_imports_a_private_name_from_another():
    found = []
    for path in PACKAGE.rglob("*.py"):
        if "bench" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("oddstui"):
                found += [
                    f"{path.name}: {a.name}" for a in node.names if a.name.startswith("_") and not a.name.endswith("__")
                ]
    assert found == []


def test_outcome_sets_keep_the_sides_together_and_each_over_under_pair_apart_in_screen_order():
    fixture = game()  # away before home
    assert outcome_sets([fixture.home, "Draw", fixture.away], fixture) == [[fixture.away, "Draw", fixture.home]]
    assert outcome_sets(["Under", "Over"], fixture) == [["Over", "Under"]]
    team_totals = outcome_sets([f"{fixture.home} Under", f"{fixture.away} Over", f"{fixture.home} Over"], fixture)
    assert team_totals == [[f"{fixture.away} Over"], [f"{fixture.home} Over", f"{fixture.home} Under"]]


def test_pair_key_pairs_opposite_handicaps_equal_totals_and_a_three_way_size():
    assert pair_key(-3.5, 0, 2, False) == pair_key(3.5, 1, 2, False) == -3.5
    assert pair_key(220.5, 0, 2, True) == pair_key(220.5, 1, 2, True) == 220.5
    assert pair_key(-1.0, 0, 3, False) == pair_key(1.0, 2, 3, False) == 1.0
    assert pair_key(None, 1, 2, False) is None
