"""API keys that cannot leak by accident: their str() and repr() never show the key.

Every key made into a `Secret` (or passed to `register`) is remembered, so that `scrub`
can take all of them out of any text bound for a screen, a log, a toast, stderr or an exception
message. `ScrubFilter` does the same for every log record a handler writes.
"""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit, urlunsplit

_KNOWN: set[str] = set()
"""Every key value seen, in the forms it may take in a message (as is, URL-encoded, JSON-escaped)."""
_LONGEST_FIRST: list[str] = []
MASK = "***"
MIN_KEY = 8
"""The shortest value taken for a key: shorter ones are not keys anyone could guard (and masking every
"k" or "papi" would garble every message)."""
MIN_PARTIAL = 6
"""The shortest piece of a key masked where a message was cut inside it."""
SENSITIVE_NAME = re.compile(r"key|token|secret|pass|auth|sig|cred", re.IGNORECASE)
"""A query parameter or setting whose name matches carries a credential."""


def register(value: str) -> None:
    """Remember `value` as a key (if at least MIN_KEY long), so that `scrub` masks it wherever it appears."""
    if len(value) >= MIN_KEY:
        _KNOWN.update({value, quote(value, safe=""), quote(value), quote_plus(value), json.dumps(value)[1:-1]})
        _LONGEST_FIRST[:] = sorted(_KNOWN, key=len, reverse=True)


def scrub(text: str) -> str:
    """`text` with every key any `Secret` holds replaced by `***`, longest first.

    A message cut short inside a key (a server's reason truncated to a length) ends with the key's
    first characters, or starts with its last: those pieces are masked too.
    """
    known = list(_LONGEST_FIRST)
    for value in known:
        if value in text:
            text = text.replace(value, MASK)
    for value in known:
        for size in range(min(len(value) - 1, len(text)), MIN_PARTIAL - 1, -1):
            if text.endswith(value[:size]):
                text = text[:-size] + MASK
                break
        for size in range(min(len(value) - 1, len(text)), MIN_PARTIAL - 1, -1):
            if text.startswith(value[-size:]):
                text = MASK + text[size:]
                break
    return text


def register_url_credentials(url: str) -> None:
    """Remember the credentials a URL may carry: its password and the values of key-like query parameters."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return
    if password:
        register(password)
    for name, value in parse_qsl(parts.query, keep_blank_values=False):
        if SENSITIVE_NAME.search(name):
            register(value)


def mask_url(url: str) -> str:
    """`url` safe to print: userinfo and key-like query values masked, then every known key scrubbed."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return scrub(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = MASK + "@" + netloc.rsplit("@", 1)[1]
    query = "&".join(
        f"{name}={MASK}" if SENSITIVE_NAME.search(name) else f"{name}={value}"
        for name, value in (pair.partition("=")[::2] for pair in parts.query.split("&") if pair)
    )
    return scrub(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        register(value)

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


class ScrubFilter(logging.Filter):
    """Masks every known key in a log record: its message, its traceback and its stack, whatever the formatter."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = scrub(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True
