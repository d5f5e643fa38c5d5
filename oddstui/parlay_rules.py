"""Which parlay legs cannot win together: pure rules over quotes, no I/O.

Two legs of one game and one market conflict when:
- they are the same selection and line (the same bet twice, perhaps at two books);
- the market picks one winner (moneyline, 1X2, match winner) and they are different selections;
- one is an over and the other an under of the same subject, and the under's line is not above the over's;
- they are opposite sides of a handicap whose lines leave no result where both cover (-3.5 with +3.5).
A leg's line is its quote's points, else the line written into its selection name (OpticOdds names may carry
it: 'Over 221.5', 'Boston Celtics -3.5'); the same side at two lines is two bets, not a conflict.
"""

from __future__ import annotations

import re

from oddstui.model import Quote

_SIDE = re.compile(r"\b(over|under)\b", re.IGNORECASE)
_LINE = re.compile(r"(?<!\S)[+-]?\d+(?:\.\d+)?(?!\S)")
"""A line written into a selection name ('Over 221.5', 'Boston Celtics -3.5'), not a digit of a name ('76ers')."""
_ONE_WINNER = re.compile(r"moneyline|money line|1x2|winner|to win|three way|3-way|draw no bet", re.IGNORECASE)
"""Markets where exactly one selection wins (a scorer market, also without a line, may have many)."""


def _stem(selection: str) -> str:
    """The selection without a line written into its name: 'Boston Celtics -3.5' -> 'boston celtics'."""
    return " ".join(_LINE.sub("", selection).split()).lower()


def _line(quote: Quote) -> float | None:
    """The quote's line: its points, else a line written into its selection name, else None."""
    if quote.points is not None:
        return quote.points
    written = _LINE.findall(quote.selection)
    return float(written[-1]) if written else None


def _over_under(selection: str) -> tuple[str, str] | None:
    """('over' or 'under', the subject without the word or the line), or None for a selection that is neither."""
    match = _SIDE.search(selection)
    if match is None:
        return None
    return match.group(1).lower(), _stem(selection[: match.start()] + selection[match.end() :])


def conflict(new: Quote, held: Quote) -> str | None:
    """Why `new` cannot be on a slip that holds `held`, or None when both can win."""
    if (new.provider, new.fixture_id, new.market) != (held.provider, held.fixture_id, held.market):
        return None
    new_line, held_line = _line(new), _line(held)
    same_side = _stem(new.selection) == _stem(held.selection)
    if same_side and new_line == held_line:
        return f"already on the slip ({held.book})"
    if new_line is None or held_line is None:
        if new_line is None and held_line is None and _ONE_WINNER.search(new.market):
            return f"{new.selection} and {held.selection} are two sides of {held.market}: both cannot win"
        return None
    new_side, held_side = _over_under(new.selection), _over_under(held.selection)
    if new_side is not None and held_side is not None:
        (side_a, subject_a), (side_b, subject_b) = new_side, held_side
        if subject_a != subject_b or side_a == side_b:
            return None
        over, under = (new_line, held_line) if side_a == "over" else (held_line, new_line)
        if under <= over:
            return f"over {over:g} and under {under:g} of {held.market} cannot both win"
        return None
    if not same_side and new_line + held_line <= 0:
        new_name, held_name = _LINE.sub("", new.selection).strip(), _LINE.sub("", held.selection).strip()
        return f"{new_name} {new_line:+g} and {held_name} {held_line:+g} cannot both cover"
    return None


def first_conflict(new: Quote, held: list[Quote]) -> str | None:
    return next((reason for quote in held if (reason := conflict(new, quote)) is not None), None)
