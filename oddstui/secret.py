"""API keys that cannot leak by accident: their str() and repr() never show the key.

Every non-empty key made into a `Secret` is remembered, so that `scrub` can take all of them
out of any text bound for a screen, a log, a toast, stderr or an exception message.
"""

from __future__ import annotations

from urllib.parse import quote

_KNOWN: set[str] = set()
"""Every key value seen, in the forms it may take in a message (as is and URL-encoded)."""
MASK = "***"


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        if value:
            _KNOWN.update({value, quote(value, safe=""), quote(value)})

    def reveal(self) -> str:
        """The key itself: only for a request header or a login frame."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def scrub(self, text: str) -> str:
        """`text` with every known key masked (not only this one)."""
        return scrub(text)


def scrub(text: str) -> str:
    """`text` with every key any `Secret` holds replaced by `***`, longest first."""
    for value in sorted(_KNOWN, key=len, reverse=True):
        if value in text:
            text = text.replace(value, MASK)
    return text
