"""The one reconnect loop every provider client runs its connections through.

Modelled on websockets' `connect` iterator: a session runs until it fails or ends, then a
`process_exception` callback classifies what happened as a `Retry` (after a backoff, never
below its floor) or a `Fatal` (reported once, the loop ends). The backoff is injected, and
health goes to the stream's reporter at every step, so a lost connection is never hidden.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
import websockets

from oddstui.model import StreamState
from oddstui.providers.backoff import Backoff
from oddstui.providers.errors import AuthFailed, RateLimited, RequestRejected, StreamFailed, failure_for_status
from oddstui.providers.health import StreamReporter

log = logging.getLogger("oddstui.providers")


@dataclass(frozen=True, slots=True)
class Retry:
    """Reconnect after a backoff of at least `floor` seconds, showing `state` and `reason` meanwhile."""

    reason: str
    floor: float = 0.0
    state: StreamState = StreamState.RECONNECTING


@dataclass(frozen=True, slots=True)
class Fatal:
    """Stop this connection for good: shown once as `state` with `reason`, never retried."""

    reason: str
    state: StreamState = StreamState.AUTH_ERROR


Verdict = Retry | Fatal
ProcessException = Callable[[BaseException | None], Verdict | None]
"""A client's own classification; None defers to `default_verdict`. The argument is None for a clean end."""

TRANSIENT = (
    OSError,
    TimeoutError,
    EOFError,
    httpx.TransportError,
    websockets.InvalidHandshake,
    websockets.ConnectionClosed,
    StreamFailed,
)


def handshake_failure(exc: websockets.InvalidStatus) -> Exception:
    """A refused WebSocket handshake read like any HTTP reply: 401 stops, 429 waits out Retry-After, 5xx retries.

    (websockets' own default treats a 429 as fatal.)
    """
    refused = exc.response
    response = httpx.Response(
        refused.status_code,
        headers=list(refused.headers.raw_items()),
        content=bytes(refused.body or b""),
        extensions={"reason_phrase": refused.reason_phrase.encode("ascii", "replace")},
    )
    failure = failure_for_status(response, "the WebSocket server", "check the API key")
    return failure or StreamFailed(f"the WebSocket handshake failed (HTTP {refused.status_code})")


def default_verdict(exc: BaseException | None) -> Verdict:
    """What every provider does with the common failures; unknown exceptions are logged and retried."""
    if exc is None:
        return Retry("the server ended the connection")
    if isinstance(exc, AuthFailed):
        return Fatal(str(exc))
    if isinstance(exc, RequestRejected):
        return Fatal(str(exc), StreamState.DOWN)
    if isinstance(exc, websockets.InvalidStatus):
        return default_verdict(handshake_failure(exc))
    if isinstance(exc, RateLimited):
        return Retry(str(exc), exc.wait, StreamState.RATE_LIMITED)
    if isinstance(exc, httpx.ReadTimeout):
        return Retry("no data or ping in time", state=StreamState.STALE)
    if isinstance(exc, websockets.ConnectionClosed):
        close = exc.rcvd
        return Retry(f"closed {close.code} {close.reason}".strip() if close else "closed without a close frame")
    if isinstance(exc, TRANSIENT):
        return Retry(str(exc) or type(exc).__name__)
    log.error("unexpected failure in a provider session", exc_info=exc)
    return Retry(f"internal error ({type(exc).__name__}); see the log")


def _client_verdict(process_exception: ProcessException | None, failure: BaseException | None) -> Verdict | None:
    """The client's own verdict; a callback that itself fails is logged and the default applies."""
    if process_exception is None:
        return None
    try:
        return process_exception(failure)
    except Exception:
        log.exception("a provider's process_exception failed; using the default verdict")
        return None


async def reconnect(
    session: Callable[[], Awaitable[None]],
    reporter: StreamReporter,
    backoff: Backoff,
    process_exception: ProcessException | None = None,
    before_attempt: Callable[[], Awaitable[None]] | None = None,
) -> Fatal:
    """Run `session` until a Fatal verdict, which it returns; cancellation propagates.

    `session` calls `backoff.reset()` itself once the connection proves healthy (its first good
    event), so a server that accepts and then closes at once is still backed off.
    `before_attempt` runs before each connection (a shared rate-limit pause, say).
    """
    while True:
        if before_attempt is not None:
            await before_attempt()
        reporter.state(StreamState.CONNECTING)
        failure: BaseException | None = None
        try:
            await session()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # classified below: nothing is swallowed unseen
            failure = exc
        verdict = _client_verdict(process_exception, failure) or default_verdict(failure)
        if isinstance(verdict, Fatal):
            reporter.state(verdict.state, verdict.reason)
            return verdict
        delay = backoff.next_delay(verdict.floor)
        reporter.state(verdict.state, verdict.reason, retry_in=delay)
        await asyncio.sleep(delay)
