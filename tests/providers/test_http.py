"""Provider HTTP clients: https verified against the CA bundle; plain http spends nothing on it."""

from __future__ import annotations

import ssl

from oddstui.providers.http import async_client


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
