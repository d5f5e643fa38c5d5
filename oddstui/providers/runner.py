"""Build the provider clients that the settings enable, all writing to one Feed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol, TypedDict, Unpack

from oddstui.config import Settings
from oddstui.providers.feed import Feed


class Tuning(TypedDict, total=False):
    """Knobs every client takes, for tests: a short first reconnect pause."""

    backoff_base: float


class ProviderClient(Protocol):
    async def run(self) -> None: ...

    def forget(self, refs: Iterable[tuple[str, str]]) -> None:
        """Drop what the client keeps about these (provider, fixture id) pairs once the store evicted them."""


def build_clients(
    settings: Settings, feed: Feed, *, only: Sequence[str] = (), cache_dir: Path | None = None, **tuning: Unpack[Tuning]
) -> list[ProviderClient]:
    """One client per enabled provider (restricted to `only` if given). `tuning` is for tests: backoff_base.

    Each provider's module is imported only when it is enabled: start-up is part of a short `tail`.
    """
    clients: list[ProviderClient] = []
    for provider in settings.enabled:
        if only and provider.name not in only:
            continue
        if provider.name == "opticodds":
            from oddstui.providers.opticodds import OpticOddsClient

            clients.append(
                OpticOddsClient(
                    provider,
                    feed,
                    sports=settings.sports,
                    books=settings.books,
                    leagues=settings.leagues,
                    **tuning,
                )
            )
        elif provider.name == "oddspapi":
            from oddstui.providers.oddspapi import OddsPapiClient

            clients.append(
                OddsPapiClient(
                    provider, feed, sports=settings.sports, books=settings.books, cache_dir=cache_dir, **tuning
                )
            )
        elif provider.name == "oddsstream":
            from oddstui.providers.oddsstream import OddsStreamClient

            clients.append(OddsStreamClient(provider, feed, sports=settings.sports, leagues=settings.leagues, **tuning))
    return clients


async def stop_clients(tasks: Iterable[asyncio.Task[None]]) -> None:
    """Cancel every client task, then wait for each to end; what they raised is the caller's to have reported."""
    tasks = list(tasks)
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
