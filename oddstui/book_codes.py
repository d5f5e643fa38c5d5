"""Short codes for sportsbooks in narrow column headers; the config's `[book_codes]` table overrides them."""

from __future__ import annotations

import re
from collections.abc import Mapping

SHARP_BOOKS = ("Pinnacle", "Circa Sports", "Betfair Exchange")
"""Books whose no-vig price is taken as fair, in order of preference: the config's `sharp_books` default."""

DEFAULT_BOOK_CODES: dict[str, str] = {
    "Pinnacle": "PIN",
    "DraftKings": "DK",
    "FanDuel": "FD",
    "BetMGM": "MGM",
    "Caesars": "CZR",
    "BetRivers": "BR",
    "Bet365": "B365",
    "bet365": "B365",
    "PointsBet": "PB",
    "ESPN BET": "ESPN",
    "Fanatics": "FAN",
    "Hard Rock": "HR",
    "BetOnline": "BOL",
    "Bovada": "BOV",
    "Circa Sports": "CIRC",
    "Betfair": "BFX",
    "Betfair Exchange": "BFX",
    "William Hill": "WH",
    "Unibet": "UNI",
    "Copilot": "COP",
}


def derived_code(book: str) -> str:
    """A code for a book without one: its capitals and digits ('Hard Rock' -> 'HR'), else its first letters."""
    capitals = "".join(re.findall(r"[A-Z0-9]", book))
    if 2 <= len(capitals) <= 4:
        return capitals
    letters = re.sub(r"[^A-Za-z0-9]", "", book)
    return (letters[:4] or book[:4]).upper()


class BookCodes:
    """Book name -> short code: the user's mapping first, then the defaults, then a derived code."""

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        self._codes = {**DEFAULT_BOOK_CODES, **(overrides or {})}
        self._lower = {name.lower(): code for name, code in self._codes.items()}

    def __call__(self, book: str) -> str:
        return self._codes.get(book) or self._lower.get(book.lower()) or derived_code(book)
