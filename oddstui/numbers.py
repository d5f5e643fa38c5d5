"""Equal numbers shared as one object: what many long-lived quotes hold (prices, lines, stakes).

Each number a decoder builds is an object of its own (32 bytes in CPython's allocator); ten thousand
live quotes holding five each is 1.6 MB, spread over the allocator's arenas among short-lived objects
(so an arena is seldom wholly free to be given back). Prices, lines and stakes take few values: handing
each quote the one object already held for a value keeps the live set smaller and steadier. Not for
values that seldom repeat (times): they would only churn the table.
"""

from __future__ import annotations

from typing import TypeVar, cast

T = TypeVar("T")

SHARED_CAP = 4096
"""Distinct values held, at most: past it the table starts afresh (it never pins more than this)."""


class SharedNumbers:
    """One object per (type, value) seen lately; bounded by SHARED_CAP."""

    __slots__ = ("_floats", "_ints")

    def __init__(self) -> None:
        self._floats: dict[object, object] = {}
        self._ints: dict[object, object] = {}

    def share(self, value: T) -> T:
        """The object already held for `value` (same type, same value), else `value`, now held.

        Ints and floats are kept apart (-110 and -110.0 are equal but print differently), and zero is
        never shared (0.0 and -0.0 are equal too); None and NaN come back as they are.
        """
        kind = type(value)
        if kind is float:
            table = self._floats
        elif kind is int:
            table = self._ints
        else:
            return value  # None, bool, or a subclass: left as they are
        if not value or value != value:  # zero (either sign) or NaN
            return value
        held = table.get(value)
        if held is not None:
            return cast(T, held)
        if len(table) >= SHARED_CAP:
            table.clear()
        table[value] = value
        return value

    def __len__(self) -> int:
        return len(self._floats) + len(self._ints)
