"""Stream health reporting shared by the provider clients."""

from __future__ import annotations

import time
from collections.abc import Callable

from oddstui.model import Event, FrameRejected, StreamHealth, StreamHealthChanged, StreamState
from oddstui.secret import scrub


class StreamReporter:
    """Reports one stream's state and skipped frames to the feed, once per change."""

    def __init__(self, stream: str, provider: str, put: Callable[..., None]) -> None:
        self.stream = stream
        self.provider = provider
        self._put = put
        self._last: tuple[StreamState, str] | None = None
        self.malformed = 0

    def state(self, state: StreamState, detail: str = "", retry_in: float | None = None) -> None:
        """Report the stream's state once per change; `detail` is scrubbed of every known key."""
        detail = scrub(detail)
        if self._last == (state, detail) and retry_in is None:
            return
        self._last = (state, detail)
        retry_at = time.time() + retry_in if retry_in is not None else None
        self._put(StreamHealthChanged(StreamHealth(self.stream, self.provider, state, detail, retry_at)), data=False)

    def rejected(self, reason: str) -> None:
        """A malformed frame, skipped and counted; `reason` never quotes the payload."""
        self.malformed += 1
        self._put(FrameRejected(self.stream, scrub(reason)), data=False)

    def event(self, event: Event) -> None:
        self._put(event)
