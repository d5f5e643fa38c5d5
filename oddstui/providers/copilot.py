"""OpticOdds Copilot parlay pricing: `GET /copilot/parlay/odds?id=…&id=…`.

Times out after a few seconds, retries once on a 5xx, never retries a 4xx.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from oddstui.config import ProviderSettings
from oddstui.odds import OddsError, american_to_decimal
from oddstui.providers.http import async_client


@dataclass(frozen=True, slots=True)
class ParlayLeg:
    id: str
    american: float

    @property
    def decimal(self) -> float:
        return american_to_decimal(self.american)


@dataclass(frozen=True, slots=True)
class ParlayQuote:
    legs: tuple[ParlayLeg, ...]
    american: float | None
    """The combined price; None when the endpoint could not price the parlay."""
    error: str | None
    missing_entries: tuple[str, ...]

    @property
    def decimal(self) -> float | None:
        return american_to_decimal(self.american) if self.american is not None else None

    @property
    def independent_decimal(self) -> float | None:
        """The plain product of the legs, as if they were unrelated."""
        if not self.legs:
            return None
        product = 1.0
        for leg in self.legs:
            product *= leg.decimal
        return product

    @property
    def correlation_effect(self) -> float | None:
        """Combined over independent price, minus one: negative when same-game legs shorten the price."""
        if self.decimal is None or self.independent_decimal is None:
            return None
        return self.decimal / self.independent_decimal - 1


class ParlayError(Exception):
    """The request failed: the message is fit to show (never holds the key)."""


class ParlayClient:
    def __init__(self, settings: ProviderSettings, timeout: float = 4.0) -> None:
        self.settings = settings
        self.http = async_client(settings.base_url, timeout=timeout, headers={"X-Api-Key": settings.api_key.reveal()})

    async def aclose(self) -> None:
        await self.http.aclose()

    async def price(self, ids: Sequence[str]) -> ParlayQuote:
        if not ids:
            raise ParlayError("a parlay needs at least one leg")
        params = [("id", i) for i in ids]
        for attempt in (1, 2):
            try:
                response = await self.http.get("/copilot/parlay/odds", params=params)
            except httpx.TimeoutException:
                raise ParlayError("the parlay endpoint did not answer in time") from None
            except httpx.TransportError as exc:
                raise ParlayError(f"cannot reach the parlay endpoint ({type(exc).__name__})") from None
            if response.status_code >= 500 and attempt == 1:
                await asyncio.sleep(0.3)
                continue
            return self._parse(response)
        raise AssertionError("unreachable")

    def _parse(self, response: httpx.Response) -> ParlayQuote:
        status = response.status_code
        if status in (401, 403):
            raise ParlayError(f"OpticOdds refused the API key (HTTP {status})")
        try:
            body = response.json()
        except ValueError:
            raise ParlayError(f"HTTP {status}: the reply is not JSON") from None
        if status >= 400:
            message = body.get("message") if isinstance(body, dict) else None
            raise ParlayError(self.settings.api_key.scrub(f"HTTP {status}: {message or response.reason_phrase}"))
        try:
            data = body["data"]
            legs = tuple(ParlayLeg(str(leg["id"]), float(leg["price"])) for leg in data.get("legs") or ())
            price = data.get("price")
            return ParlayQuote(
                legs,
                float(price) if price is not None else None,
                data.get("error"),
                tuple(data.get("missing_entries") or ()),
            )
        except (KeyError, TypeError, ValueError, AttributeError, OddsError):
            raise ParlayError("the parlay reply has an unexpected shape") from None
