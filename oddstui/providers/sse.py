"""SSE events from an httpx response: httpx-sse's field parser with the pitfalls in NOTES.md fixed.

- The response must be `text/event-stream` (any case, any parameters): HTML or JSON raises
  `NotAnEventStream` naming the media type, never quoting the body.
- Always UTF-8 whatever the charset header says; a leading BOM is stripped.
- CRLF, LF and a lone CR each end a line (WHATWG); a CR that ends a chunk ends its line at once,
  so an event closed by bare CRs is dispatched before the stream goes quiet.
- One line and one event are each bounded in size; past the bound the connection is dropped.
- A `retry:` value that is not all ASCII digits is ignored (httpx-sse would take `-1` or `+5`).

Blank events (no data) still come through, so that pings and `retry:` are seen; callers skip them.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import AsyncIterator

import httpx
from httpx_sse import ServerSentEvent

from oddstui.providers.errors import StreamFailed

MAX_LINE_CHARS = 4 * 1024 * 1024
MAX_EVENT_CHARS = 16 * 1024 * 1024
"""All the lines of one event together."""

_LINE_END = re.compile("\r\n|\r|\n")
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,40}/[a-z0-9][a-z0-9!#$&^_.+-]{0,60}")


class NotAnEventStream(StreamFailed):
    """The server answered with something other than an event stream (an HTML or JSON page, say)."""


class EventTooLarge(StreamFailed):
    """An event grew past its bound without ending: the connection is dropped and retried."""


class LineTooLong(EventTooLarge):
    """One line grew past its bound without ending."""


def check_event_stream(response: httpx.Response) -> None:
    """Raise NotAnEventStream unless the Content-Type is text/event-stream (MIME types ignore case)."""
    content_type = response.headers.get("content-type", "")
    media = content_type.partition(";")[0].strip().lower()
    if media == "text/event-stream":
        return
    if not media:
        what = "a reply with no Content-Type"
    elif _MEDIA_TYPE.fullmatch(media):
        what = media
    else:
        what = "an unreadable Content-Type"
    raise NotAnEventStream(f"expected an event stream (text/event-stream), got {what} (HTTP {response.status_code})")


class _Lines:
    """Splits decoded text into SSE lines, holding at most one partial line of bounded length."""

    def __init__(self, max_line: int) -> None:
        self.max_line = max_line
        self.partial: list[str] = []
        self.partial_len = 0
        self.skip_lf = False
        """The last chunk ended in a CR: a LF opening the next one belongs to that line end."""

    def feed(self, text: str) -> list[str]:
        if self.skip_lf and text.startswith("\n"):
            text = text[1:]
        if not text:
            return []
        self.skip_lf = text.endswith("\r")
        *lines, rest = _LINE_END.split(text) if "\r" in text else text.split("\n")
        if lines and self.partial:
            lines[0] = "".join(self.partial) + lines[0]
            self.partial, self.partial_len = [], 0
        if rest:
            self.partial.append(rest)
            self.partial_len += len(rest)
            if self.partial_len > self.max_line:
                raise LineTooLong(f"a line grew past {self.max_line} characters without ending")
        return lines


async def iter_sse(
    response: httpx.Response, *, max_line: int = MAX_LINE_CHARS, max_event: int = MAX_EVENT_CHARS
) -> AsyncIterator[ServerSentEvent]:
    """The events of an event-stream response; raises StreamFailed subclasses for what is not one.

    The fields are read as WHATWG's event-stream interpretation says, in this one loop rather than a
    method call per line (httpx-sse's decoder): this is the ingest hot path, five lines an event.
    As httpx-sse does, a blank line dispatches whatever was set (callers skip events without data),
    and the last event id carries over to the events after it.
    """
    check_event_stream(response)
    text = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    lines = _Lines(max_line)
    data: list[str] = []
    event, last_id, retry = "", "", None
    size = 0  # characters in the lines of the event being read
    async for chunk in response.aiter_raw():
        for line in lines.feed(text.decode(chunk)):
            if not line:
                size = 0
                if event or data or last_id or retry is not None:
                    yield ServerSentEvent(event, "\n".join(data), last_id, retry)
                    event, data, retry = "", [], None
                continue
            size += len(line)
            if size > max_event:
                raise EventTooLarge(f"an event grew past {max_event} characters without ending")
            if line.startswith("data:"):  # most lines, and the long ones: sliced once, never partitioned
                data.append(line[6:] if line.startswith(" ", 5) else line[5:])
                continue
            name, colon, value = line.partition(":")
            if not name and colon:  # a comment
                continue
            if value[:1] == " ":
                value = value[1:]
            if name == "data":  # a bare `data` line: an empty value
                data.append(value)
            elif name == "event":
                event = value
            elif name == "id":
                if "\0" not in value:
                    last_id = value
            elif name == "retry" and value.isascii() and value.isdigit():  # WHATWG: ASCII digits, or ignored
                retry = int(value)
