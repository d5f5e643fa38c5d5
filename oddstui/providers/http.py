"""The one place provider clients get their httpx client."""

from __future__ import annotations

import ssl
from typing import Any
from urllib.parse import urlsplit

import httpx


def async_client(base_url: str, **options: Any) -> httpx.AsyncClient:
    """An httpx client for `base_url`; https is verified against the CA bundle as usual.

    httpx loads the CA bundle whenever a client is made, TLS or not: 30 ms of CPU, a tenth of a
    short `oddstui tail`. A plain-http base URL (the loopback simulator) gets a context with no
    CA loaded instead. It still requires a verified certificate, so any TLS it were asked to do
    would fail rather than go unchecked.
    """
    if urlsplit(base_url).scheme == "http":
        options["verify"] = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return httpx.AsyncClient(base_url=base_url, **options)
