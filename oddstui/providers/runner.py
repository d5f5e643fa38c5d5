"""Build the provider clients that the settings enable, all writing to one Feed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from oddstui.config import Settings
from oddstui.providers.feed import Feed
from oddstui.providers.oddspapi import OddsPapiClient
from oddstui.providers.oddsstream import OddsStreamClient
from oddstui.providers.opticodds import OpticOddsClient


class ProviderClient(Protocol):
    async def run(self) -> None: ...


def build_clients(settings: Settings, feed: Feed, *, only: Sequence[str] = (), cache_dir: Path | None = None,
                  **tuning: float) -> list[ProviderClient]:
    """One client per enabled provider (restricted to `only` if given). `tuning` is for tests: backoff_base."""
    clients: list[ProviderClient] = []
    for provider in settings.enabled:
        if only and provider.name not in only:
            continue
        if provider.name == "opticodds":
            clients.append(OpticOddsClient(provider, feed, sports=settings.sports, books=settings.books,
                                           leagues=settings.leagues, odds_format=settings.odds_format, **tuning))
        elif provider.name == "oddspapi":
            clients.append(OddsPapiClient(provider, feed, sports=settings.sports, books=settings.books,
                                          cache_dir=cache_dir, **tuning))
        elif provider.name == "oddsstream":
            clients.append(OddsStreamClient(provider, feed, leagues=settings.leagues, **tuning))
    return clients
