"""Provider HTTP clients: TLS verified (plain http spends nothing on it), no redirects, bounded compression."""

from __future__ import annotations

import asyncio
import ssl

import httpx
import pytest

from oddstui.providers.http import async_client
from tests.providers.hostile import Request, head, raw_server


def ssl_context(client) -> ssl.SSLContext:
    return client._transport._pool._ssl_context


async def test_https_keeps_the_ca_bundle_and_http_still_demands_verification():
    async with async_client("https://api.opticodds.com/api/v3") as secure:
        context = ssl_context(secure)
        assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
        assert context.cert_store_stats()["x509_ca"] > 0
    async with async_client("http://127.0.0.1:8000/opticodds/api/v3") as plain:
        context = ssl_context(plain)
        assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
        assert context.cert_store_stats()["x509_ca"] == 0


def test_following_redirects_cannot_be_turned_on():
    with pytest.raises(ValueError, match="never follow redirects"):
        async_client("https://api.opticodds.com/api/v3", follow_redirects=True)


async def test_why_httpx_must_not_follow_redirects_for_us():
    """httpx strips Authorization on a cross-host redirect, but not X-Api-Key: the key would reach the other host."""

    async def redirect(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(head(302, {"Location": f"{elsewhere.url}/steal", "Content-Length": "0"}))

    async def answer(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(head(200, {"Content-Length": "2"}) + b"{}")

    async with raw_server(answer, host="127.0.0.2") as elsewhere, raw_server(redirect) as server:
        async with httpx.AsyncClient(follow_redirects=True, headers={"X-Api-Key": "k-123"}) as plain:
            await plain.get(f"{server.url}/odds")
        assert elsewhere.requests[0].headers.get("x-api-key") == "k-123"
        async with async_client(server.url, headers={"X-Api-Key": "k-123"}) as ours:
            assert (await ours.get("/odds")).status_code == 302
        assert len(elsewhere.requests) == 1


async def test_plain_requests_ask_for_gzip_or_deflate_and_streams_for_no_compression():
    async def answer(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(head(200, {"Content-Length": "2"}) + b"{}")

    async with raw_server(answer) as server, async_client(server.url, headers={"X-Api-Key": "k"}) as http:
        await http.get("/a")
        async with http.stream("GET", "/b") as response:
            await response.aread()
    assert [r.headers["accept-encoding"] for r in server.requests] == ["gzip, deflate", "identity"]
    assert all(r.headers["x-api-key"] == "k" for r in server.requests)
