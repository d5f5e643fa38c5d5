"""The event-stream fields are read as httpx-sse's decoder reads them (but for `retry:`), however the bytes are cut."""

from __future__ import annotations

import asyncio
import itertools

import httpx
from httpx_sse._decoders import SSEDecoder
from hypothesis import given, settings
from hypothesis import strategies as st

from oddstui.providers.sse import MAX_LINE_CHARS, _Lines, iter_sse

FIELDS = ["data", "event", "id", "retry", "", "x", "dat"]
VALUES = ["", " ", "ok", " 5", "10", "-1", "+5", "a:b", "  two", "\0", "é", "{}"]


class Chunks(httpx.AsyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    async def __aiter__(self):
        for chunk in self.chunks:
            yield chunk


def reference(text: str) -> list[tuple]:
    """httpx-sse's field decoder over the same lines, with non-digit `retry:` lines dropped (NOTES.md)."""
    decoder, events = SSEDecoder(), []
    for line in _Lines(MAX_LINE_CHARS).feed(text):
        value = line[6:].removeprefix(" ")
        if line.startswith("retry:") and not (value.isascii() and value.isdigit()):
            continue
        if (event := decoder.decode(line)) is not None:
            events.append((event.event, event.data, event.id, event.retry))
    return events


async def ours(chunks: list[bytes]) -> list[tuple]:
    response = httpx.Response(200, headers={"Content-Type": "text/event-stream"}, stream=Chunks(chunks))
    return [(e.event, e.data, e.id, e.retry) async for e in iter_sse(response)]


lines = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(FIELDS), st.sampled_from([":", ": ", ""]), st.sampled_from(VALUES)).map("".join),
        st.just(""),
        st.just(": a comment"),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(lines=lines, ending=st.sampled_from(["\n", "\r\n", "\r"]), cuts=st.lists(st.integers(0, 400), max_size=6))
def test_fields_read_as_httpx_sse_reads_them_wherever_the_chunks_are_cut(lines, ending, cuts):
    text = "".join(line + ending for line in lines) + "\n"
    raw = text.encode()
    bounds = sorted({0, len(raw), *(c for c in cuts if c < len(raw))})
    chunks = [raw[a:b] for a, b in itertools.pairwise(bounds)]
    assert asyncio.run(ours(chunks)) == reference(text)
