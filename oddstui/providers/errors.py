"""Failures a provider client reports, with messages safe to show (no keys, no payloads)."""

from __future__ import annotations

import httpx

from oddstui.providers.backoff import parse_retry_after

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
    """
    fallback = response.reason_phrase or "error"
    try:
        body = response.json()
    except ValueError:
        return fallback
    if not isinstance(body, dict):
        return fallback
    message = body.get("message") or body.get("error")
    if isinstance(message, dict):
        message = message.get("message") or message.get("code")
    return str(message)[:MAX_MESSAGE] if isinstance(message, str | int | float) and message != "" else fallback


def failure_for_status(
    response: httpx.Response, provider: str, key_hint: str, rate_limit_floor: float = 1.0, max_wait: float = 300.0
) -> Exception | None:
    """The one mapping from an HTTP status to what a client does next; None for a success.

    401/403 -> AuthFailed (never retried); 429 -> RateLimited with Retry-After clamped to
    [rate_limit_floor, max_wait]; 408/425 and 5xx -> StreamFailed (retried with backoff);
    any other 4xx -> RequestRejected (retrying cannot help). `key_hint` names where the key is set.
    Messages are built from the server's reason only; callers' reporters scrub keys again.
    """
    status = response.status_code
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
