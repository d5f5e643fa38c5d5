"""Failures a provider client reports, with messages safe to show (no keys, no payloads)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx

from oddstui.providers.backoff import parse_retry_after
from oddstui.secret import scrub

MAX_MESSAGE = 200
"""Longest server-supplied message quoted in an error."""


class StreamFailed(Exception):
    """A connection failed in a way worth a reconnect (after a backoff)."""


class AuthFailed(Exception):
    """401/403 or a refused login: shown once, never retried."""


class RequestRejected(Exception):
    """A 4xx other than auth and rate limits: our request is wrong (no such sport, bad parameter).

    Retrying the same request cannot help, so the stream stops and says why.
    """

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class RateLimited(Exception):
    def __init__(self, message: str, wait: float) -> None:
        super().__init__(message)
        self.wait = wait


def server_message(response: httpx.Response) -> str:
    """The reason a server gave in a JSON error body (`message`, `error`, or `error.message`), bounded.

    Never the raw body: an HTML error page or a payload is summarized by the status's reason phrase.
    Keys are masked before the text is cut (a cut key would escape the mask), and control
    characters (terminal escapes) become spaces.
    """
    message: object = None
    try:
        body = response.json()
    except (ValueError, RecursionError, httpx.ResponseNotRead):
        body = None
    if isinstance(body, dict):
        message = body.get("message") or body.get("error")
        if isinstance(message, dict):
            message = message.get("message") or message.get("code")
    if not isinstance(message, str | int | float) or isinstance(message, bool) or message == "":
        message = response.reason_phrase or "error"
    text = scrub(str(message)[: MAX_MESSAGE * 4])
    return "".join(c if c.isprintable() else " " for c in text[:MAX_MESSAGE])


def redirect_target(response: httpx.Response) -> str:
    """The host a redirect points at, for a message: never its path or query, which may hold a key."""
    location = response.headers.get("location", "")
    try:
        host = urlsplit(location).hostname
    except ValueError:
        return "an unreadable location"
    if not host:
        return "another path on the same host" if location else "nowhere (no Location)"
    return host if re.fullmatch(r"[a-z0-9.-]{1,100}", host) else "an unreadable host"


def failure_for_status(
    response: httpx.Response, provider: str, key_hint: str, rate_limit_floor: float = 1.0, max_wait: float = 300.0
) -> Exception | None:
    """The one mapping from an HTTP status to what a client does next; None for a success.

    3xx -> RequestRejected (never followed: the key would go along);
    401/403 -> AuthFailed (never retried); 429 -> RateLimited with Retry-After clamped to
    [rate_limit_floor, max_wait]; 408/425 and 5xx -> StreamFailed (retried with backoff);
    any other 4xx -> RequestRejected (retrying cannot help). `key_hint` names where the key is set.
    Messages are built from the server's reason only; callers' reporters scrub keys again.
    """
    status = response.status_code
    if 300 <= status < 400:
        return RequestRejected(
            f"{provider}: the server redirects to {redirect_target(response)} (HTTP {status}); "
            "redirects are not followed, since the key would go with them. Fix: set base_url to the new address",
            status,
        )
    if status < 400:
        return None
    reason = server_message(response)
    if status in (401, 403):
        return AuthFailed(f"{provider} refused the API key (HTTP {status}: {reason}). Fix: {key_hint}")
    if status == 429:
        wait = parse_retry_after(response.headers.get("retry-after"), rate_limit_floor, max_wait)
        return RateLimited(f"{provider}: rate limited (HTTP 429: {reason})", max(wait, rate_limit_floor))
    if status in (408, 425) or status >= 500:
        return StreamFailed(f"{provider}: HTTP {status}: {reason}")
    return RequestRejected(f"{provider} rejected the request (HTTP {status}: {reason})", status)
