"""Which parlay legs cannot win together: pure rules over quotes, no I/O.

Two legs of one game and one market conflict when:
- they are the same selection and line (the same bet twice, perhaps at two books);
- the market picks one winner (moneyline, 1X2, match winner) and they are different selections;
- one is an over and the other an under of the same subject, and the under's line is not above the over's;
- they are opposite sides of a handicap whose lines leave no result where both cover (-3.5 with +3.5).
"""

from __future__ import annotations

import re

from oddstui.model import Quote

_SIDE = re.compile(r"\b(over|under)\b", re.IGNORECASE)
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_ONE_WINNER = re.compile(r"moneyline|money line|1x2|winner|to win|three way|3-way|draw no bet", re.IGNORECASE)
"""Markets where exactly one selection wins (a scorer market, also without a line, may have many)."""


def _over_under(selection: str) -> tuple[str, str] | None:
    """('over' or 'under', the subject without the word or the line), or None for a selection that is neither."""
    match = _SIDE.search(selection)
    if match is None:
        return None
    subject = " ".join(_NUMBER.sub("", selection[: match.start()] + selection[match.end() :]).split()).lower()
    return match.group(1).lower(), subject


def conflict(new: Quote, held: Quote) -> str | None:
    """Why `new` cannot be on a slip that holds `held`, or None when both can win."""
    if (new.provider, new.fixture_id, new.market) != (held.provider, held.fixture_id, held.market):
        return None
    if new.selection == held.selection and new.points == held.points:
        return f"already on the slip ({held.book})"
    if new.points is None or held.points is None:
        if new.points is None and held.points is None and _ONE_WINNER.search(new.market):
            return f"{new.selection} and {held.selection} are two sides of {held.market}: both cannot win"
        return None
    new_side, held_side = _over_under(new.selection), _over_under(held.selection)
    if new_side is not None and held_side is not None:
        (side_a, subject_a), (side_b, subject_b) = new_side, held_side
        if subject_a != subject_b or side_a == side_b:
            return None
        over, under = (new.points, held.points) if side_a == "over" else (held.points, new.points)
        if under <= over:
            return f"over {over:g} and under {under:g} of {held.market} cannot both win"
        return None
    if new.selection != held.selection and new.points + held.points <= 0:
        return f"{new.selection} {new.points:+g} and {held.selection} {held.points:+g} cannot both cover"
    return None


def first_conflict(new: Quote, held: list[Quote]) -> str | None:
    return next((reason for quote in held if (reason := conflict(new, quote)) is not None), None)
