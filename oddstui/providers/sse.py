"""SSE events from an httpx response, decoded with httpx-sse's parser and the pitfalls in NOTES.md fixed.

Always UTF-8 whatever the charset header says, a leading BOM stripped, lines capped in length.
Blank events (no data) still come through, so that pings and `retry:` are seen; callers skip them.
"""

from __future__ import annotations

import codecs
from collections.abc import AsyncIterator

import httpx
from httpx_sse import ServerSentEvent
from httpx_sse._decoders import SSEDecoder, SSELineDecoder

MAX_LINE_BYTES = 4 * 1024 * 1024


class LineTooLong(Exception):
    """The server sent a line longer than MAX_LINE_BYTES: the connection is dropped."""


async def iter_sse(response: httpx.Response) -> AsyncIterator[ServerSentEvent]:
    text = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    lines = SSELineDecoder()
    events = SSEDecoder()
    pending = 0
    async for chunk in response.aiter_raw():
        newline = chunk.rfind(b"\n")
        pending = pending + len(chunk) if newline < 0 else len(chunk) - newline - 1
        if pending > MAX_LINE_BYTES:
            raise LineTooLong(f"line longer than {MAX_LINE_BYTES} bytes")
        for line in lines.decode(text.decode(chunk)):
            event = events.decode(line)
            if event is not None:
                yield event
