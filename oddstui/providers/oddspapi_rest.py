"""OddsPapi REST: paced GETs under `https://v5.oddspapi.io/{lang}/...`, and the cached `/markets` index."""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

import httpx

from oddstui.providers.rest import PacedClient

LANG = "en"
KEY_HINT = "set ODDSPAPI_API_KEY (or [oddspapi] api_key in the config file)"
MARKETS_TTL = 3600.0
MAX_PAGES = 50


class PapiRest:
    """GET `/{lang}{path}` through the shared paced client (rate limits waited out, statuses mapped once)."""

    def __init__(self, http: httpx.AsyncClient, max_wait: float = 60.0) -> None:
        self.paced = PacedClient(http, "OddsPapi", max_wait, KEY_HINT)

    async def get(self, path: str, params: dict | None = None) -> object:
        return (await self.paced.get(f"/{LANG}{path}", params)).json()

    async def pages(self, path: str, params: dict) -> list:
        """Every row of a list endpoint, following pages.

        The docs give no paging scheme (and public consumers read `/fixtures` as a bare array):
        a bare array is the whole answer; an object holding `data` and a `page`/`totalPages` pair
        (or a `next` page number) is followed page by page, at most MAX_PAGES.
        """
        rows: list = []
        page = None
        for _ in range(MAX_PAGES):
            body = await self.get(path, params if page is None else params | {"page": page})
            if isinstance(body, list):
                return rows + body
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise ValueError(f"{path}: neither a list nor a page of rows")
            rows += body["data"]
            page = _next_page(body)
            if page is None:
                break
        return rows


def _next_page(body: dict) -> int | None:
    following = body.get("next") if "next" in body else body.get("nextPage")
    if isinstance(following, int) and not isinstance(following, bool):
        return following
    page, total = body.get("page"), body.get("totalPages")
    if isinstance(page, int) and isinstance(total, int) and page < total:
        return page + 1
    return None


class MarketNames:
    """Market and outcome names from `/markets?sportId=`, per sport, cached on disk for an hour."""

    def __init__(self, cache_file: Path | None) -> None:
        self.cache_file = cache_file
        self.markets: dict[int, dict] = {}
        self.outcome_market: dict[int, int] = {}
        self.outcomes: dict[int, str] = {}
        self.loaded: dict[int, float] = {}
        """sportId -> when its markets were fetched."""

    def load_cache(self) -> None:
        if self.cache_file is None or not self.cache_file.exists():
            return
        try:
            cached = json.loads(self.cache_file.read_text())
            for sport, entry in cached.items():
                if time.time() - float(entry["loaded_at"]) < MARKETS_TTL:
                    self._index(entry["markets"])
                    self.loaded[int(sport)] = float(entry["loaded_at"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return

    def update(self, sport_id: int, rows: object) -> None:
        if not isinstance(rows, list):
            raise ValueError("/markets: not a list")
        self._index(rows)
        self.loaded[sport_id] = time.time()
        if self.cache_file is None:
            return
        with contextlib.suppress(OSError, ValueError):
            cached = json.loads(self.cache_file.read_text()) if self.cache_file.exists() else {}
            cached = cached if isinstance(cached, dict) else {}
            cached[str(sport_id)] = {"loaded_at": self.loaded[sport_id], "markets": rows}
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            self.cache_file.write_text(json.dumps(cached))

    def _index(self, rows: list) -> None:
        for row in rows:
            if not isinstance(row, dict) or not isinstance(row.get("marketId"), int):
                continue
            market_id = row["marketId"]
            self.markets[market_id] = row
            for outcome in row.get("outcomes") or ():
                if isinstance(outcome, dict) and isinstance(outcome.get("outcomeId"), int):
                    self.outcome_market[outcome["outcomeId"]] = market_id
                    self.outcomes[outcome["outcomeId"]] = str(outcome.get("outcomeName") or outcome["outcomeId"])

    def market_of(self, outcome_id: int) -> int | None:
        """The outcome's market: from the index, or itself when it is a market's first outcome (Core Concepts)."""
        known = self.outcome_market.get(outcome_id)
        if known is not None:
            return known
        return outcome_id if outcome_id in self.markets else None
