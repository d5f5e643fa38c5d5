"""`oddstui parlay ID ID ...`: price a parlay through OpticOdds Copilot and print it as a table.

Text from the server is printed as plain text (never as markup) and scrubbed of every key.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from oddstui.config import ProviderSettings
from oddstui.odds import OddsFormat, format_price
from oddstui.providers.copilot import ParlayClient, ParlayError, ParlayQuote
from oddstui.secret import scrub


def render(quote: ParlayQuote, ids: Sequence[str]) -> Table:
    """Ids go in as Text: as markup, Copilot ids such as '1:-1:nba:…' would turn into emoji."""
    table = Table(title="Copilot parlay", show_footer=False)
    table.add_column("leg", overflow="fold")
    table.add_column("American", justify="right")
    table.add_column("decimal", justify="right")
    for leg in quote.legs:
        table.add_row(
            Text(leg.id), format_price(leg.decimal, OddsFormat.AMERICAN, int(leg.american)), f"{leg.decimal:.3f}"
        )
    for missing in quote.missing_entries:
        table.add_row(Text(missing, style="red"), "[red]missing[/]", "")
    if quote.decimal is not None and quote.american is not None:
        table.add_section()
        table.add_row(
            "[b]Copilot parlay price[/]",
            format_price(quote.decimal, OddsFormat.AMERICAN, int(quote.american)),
            f"{quote.decimal:.3f}",
        )
    independent = quote.independent_decimal
    if independent is not None and len(quote.legs) == len(ids):
        table.add_row(
            "independent (product of legs)", format_price(independent, OddsFormat.AMERICAN), f"{independent:.3f}"
        )
    if quote.correlation_effect is not None:
        table.add_row("correlation effect", f"{quote.correlation_effect:+.1%}", "")
    return table


async def price_and_print(settings: ProviderSettings, ids: Sequence[str], console: Console) -> int:
    client = ParlayClient(settings)
    try:
        quote = await client.price(ids)
    except ParlayError as exc:
        console.print(Text(scrub(f"oddstui parlay: {exc}"), style="red"))
        return 1
    finally:
        await client.aclose()
    console.print(render(quote, ids))
    if quote.error:
        console.print(Text(scrub(f"error: {quote.error}"), style="red"))
        return 1
    if quote.missing_entries:
        console.print(f"[yellow]not priced: {len(quote.missing_entries)} leg(s) unknown, locked or settled[/]")
        return 1
    return 0
