"""OpticOdds Copilot parlay pricing: `GET /copilot/parlay/odds?id=…&id=…`.

Times out after a few seconds, retries once on a 5xx, never retries a 4xx. Prices are American
numbers (the doc's "decimal number" is 278.0, a number with a decimal point, not decimal odds).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from oddstui.config import ProviderSettings
from oddstui.odds import american_to_decimal, check_american
from oddstui.providers.errors import RateLimited, StreamFailed, failure_for_status
from oddstui.providers.http import async_client
from oddstui.secret import scrub


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


KEY_HINT = "Copilot needs an organization-level OpticOdds key (OPTICODDS_API_KEY or [opticodds] api_key)"


class ParlayClient:
    def __init__(self, settings: ProviderSettings, timeout: float = 4.0) -> None:
        self.settings = settings
        self.http = async_client(settings.base_url, timeout=timeout, headers={"X-Api-Key": settings.api_key.reveal()})

    async def aclose(self) -> None:
        await self.http.aclose()

    async def price(self, ids: Sequence[str]) -> ParlayQuote:
        if not ids:
            raise ParlayError("a parlay needs at least one leg")
        params: list[tuple[str, str | int | float | bool | None]] = [("id", i) for i in ids]
        for attempt in (1, 2):
            try:
                response = await self.http.get("/copilot/parlay/odds", params=params)
            except httpx.TimeoutException:
                raise ParlayError("the parlay endpoint did not answer in time") from None
            except httpx.TransportError as exc:
                raise ParlayError(f"cannot reach the parlay endpoint ({type(exc).__name__})") from None
            if attempt == 1 and isinstance(failure_for_status(response, "OpticOdds Copilot", KEY_HINT), StreamFailed):
                await asyncio.sleep(0.3)  # a 5xx (or 408/425): worth one more try
                continue
            return self._parse(response)
        raise AssertionError("unreachable")

    def _parse(self, response: httpx.Response) -> ParlayQuote:
        """The documented `{data: {error, missing_entries, legs, price}}`; raises ParlayError for anything else."""
        failure = failure_for_status(response, "OpticOdds Copilot", KEY_HINT)
        if isinstance(failure, RateLimited):
            raise ParlayError(f"{failure}; try again in {failure.wait:.0f} s")
        if failure is not None:
            raise ParlayError(scrub(str(failure)))
        try:
            body = response.json()
        except (ValueError, RecursionError):  # json raises RecursionError on deep nesting
            raise ParlayError(f"HTTP {response.status_code}: the reply is not JSON") from None
        try:
            return _quote(body["data"])
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ParlayError("the parlay reply has an unexpected shape") from None


def _american(value: object) -> float:
    """An American price as the parlay doc sends it (a number, e.g. 135.0); raises ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("a price must be a number")
    check_american(float(value))
    return float(value)


def _missing_id(item: object) -> str:
    """The doc does not say what a missing entry is: an id string, or an object carrying its id."""
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return item["id"]
    raise TypeError("a missing entry must be an id or an object with an id")


def _quote(data: dict) -> ParlayQuote:
    legs = data.get("legs")
    missing = data.get("missing_entries")
    legs = [] if legs is None else legs
    missing = [] if missing is None else missing
    error = data.get("error")
    price = data.get("price")
    if not isinstance(legs, list) or not isinstance(missing, list):
        raise TypeError("legs and missing_entries must be lists")
    if error is not None and not isinstance(error, str):
        raise TypeError("error must be a string or null")
    parsed = []
    for leg in legs:
        if not isinstance(leg["id"], str):
            raise TypeError("a leg id must be a string")
        parsed.append(ParlayLeg(leg["id"], _american(leg["price"])))
    return ParlayQuote(
        tuple(parsed),
        _american(price) if price is not None else None,
        error or None,
        tuple(_missing_id(item) for item in missing),
    )
