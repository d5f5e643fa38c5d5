"""The one place provider clients get their httpx client, bounded against hostile servers.

- Redirects are never followed, by HTTP or WebSocket connections: a key header, query parameter
  or login frame would go with them to whatever host the server names. A 3xx reaches
  `failure_for_status` (for a handshake, through `base.default_verdict`), which says so.
- Compression: gzip and deflate are the only encodings asked for, and they are inflated here in
  bounded pieces (a small body cannot balloon in one step); any other encoding fails clearly.
  Event streams ask for no compression at all, so events arrive as soon as they are sent.
- A plain (non-streaming) request has a cap on its decompressed body and a total deadline,
  so an endless or huge reply is bounded in memory and in time.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
from websockets.asyncio.client import connect

MAX_BODY = 64 * 1024 * 1024
"""Largest decompressed body of a plain request (a full odds snapshot is a few MB)."""
MAX_ERROR_BODY = 256 * 1024
"""Largest body read from a stream request that failed (an error page, not a stream)."""
DEADLINE = 60.0
"""Longest a plain request may take from sending to its last byte."""
ACCEPT_ENCODING = "gzip, deflate"
PIECE = 64 * 1024
"""Most bytes one inflate step may produce."""


class ReplyRefused(httpx.TransportError):
    """A reply the client will not read: too large, or compressed in a way it did not ask for."""


class _BoundedBody(httpx.AsyncByteStream):
    """A response body inflated in bounded pieces (gzip/deflate) and optionally capped in total size."""

    def __init__(self, raw: httpx.AsyncByteStream, inflate: bool, limit: int | None) -> None:
        self.raw = raw
        self.inflater = zlib.decompressobj(zlib.MAX_WBITS | 32) if inflate else None  # gzip or zlib header
        self.limit = limit
        self.total = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.raw:
            for piece in self._inflate(chunk):
                self.total += len(piece)
                if self.limit is not None and self.total > self.limit:
                    raise ReplyRefused(f"the reply grew past {self.limit} bytes: not read further")
                yield piece

    def _inflate(self, data: bytes) -> Iterator[bytes]:
        """`data` inflated in pieces of at most PIECE bytes (as is, if the body is not compressed)."""
        if self.inflater is None:
            if data:
                yield data
            return
        while True:
            try:
                piece = self.inflater.decompress(data, PIECE)
            except zlib.error:
                raise ReplyRefused("the compressed reply is corrupt") from None
            if piece:
                yield piece
            data = self.inflater.unconsumed_tail
            if not data and len(piece) < PIECE:
                return

    async def aclose(self) -> None:
        await self.raw.aclose()


class BoundedClient(httpx.AsyncClient):
    """An AsyncClient whose replies are inflated in bounded pieces and whose plain requests are capped."""

    def __init__(self, *, max_body: int = MAX_BODY, deadline: float = DEADLINE, **options: Any) -> None:
        super().__init__(**options)
        self.max_body = max_body
        self.deadline = deadline

    async def send(self, request: httpx.Request, *, stream: bool = False, **options: Any) -> httpx.Response:
        if stream:
            request.headers["Accept-Encoding"] = "identity"
            response = await super().send(request, stream=True, **options)
            return _bound(response, None if response.status_code < 300 else MAX_ERROR_BODY)
        try:
            async with asyncio.timeout(self.deadline) as deadline:
                response = _bound(await super().send(request, stream=True, **options), self.max_body)
                try:
                    await response.aread()
                finally:
                    await response.aclose()
        except TimeoutError:
            if deadline.expired():
                raise httpx.ReadTimeout(f"no complete reply within {self.deadline:g} s", request=request) from None
            raise
        return response


def _bound(response: httpx.Response, limit: int | None) -> httpx.Response:
    """Take over the body's decoding from httpx, so that it is bounded."""
    raw = response.stream
    assert isinstance(raw, httpx.AsyncByteStream)  # an AsyncClient's replies always are
    encoding = response.headers.pop("content-encoding", "").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        response.stream = _BoundedBody(raw, inflate=True, limit=limit)
    elif encoding not in ("", "identity"):
        response.stream = _Refused(raw, encoding)
    elif limit is not None:
        response.stream = _BoundedBody(raw, inflate=False, limit=limit)
    return response


class _Refused(httpx.AsyncByteStream):
    """A body in an encoding nobody asked for: reading it fails with a clear message."""

    def __init__(self, raw: httpx.AsyncByteStream, encoding: str) -> None:
        self.raw = raw
        self.encoding = encoding if re.fullmatch(r"[a-z0-9-]{1,20}", encoding) else "an unknown encoding"

    async def __aiter__(self) -> AsyncIterator[bytes]:
        raise ReplyRefused(f"the server compressed the reply with {self.encoding}, which was not asked for")
        yield b""  # pragma: no cover - makes this an async generator

    async def aclose(self) -> None:
        await self.raw.aclose()


def async_client(base_url: str, **options: Any) -> BoundedClient:
    """An httpx client for `base_url`; https is verified against the CA bundle as usual.

    httpx loads the CA bundle whenever a client is made, TLS or not: 30 ms of CPU, a tenth of a
    short `oddstui tail`. A plain-http base URL (the loopback simulator) gets a context with no
    CA loaded instead. It still requires a verified certificate, so any TLS it were asked to do
    would fail rather than go unchecked. `max_body` and `deadline` bound plain requests.
    """
    if options.pop("follow_redirects", False):
        raise ValueError("provider clients never follow redirects: the key would go with them")
    if urlsplit(base_url).scheme == "http":
        options["verify"] = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    headers = httpx.Headers(options.pop("headers", None))
    headers["Accept-Encoding"] = ACCEPT_ENCODING
    return BoundedClient(base_url=base_url, headers=headers, follow_redirects=False, **options)


class websocket_connect(connect):
    """`websockets.connect` that never follows a redirect: a refused handshake (3xx) is raised as is.

    websockets follows up to 10 redirects by itself, to other hosts too, with the same extra
    headers; a client that then sends its key in a login frame would send it to that host.
    """

    def process_redirect(self, exc: Exception) -> Exception | str:
        return exc
