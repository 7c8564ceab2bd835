"""`helpline prices COUNTRY...`: what each reply costs to send, per language and country.

Twilio charges per SMS segment, at a price per destination country (and carrier). The command
fetches the prices through Twilio's Pricing API (message prices live in Pricing v1), keeps
them in the instance folder for a week, and multiplies them by the segments of every keyword
reply and of every whole section (what a text-me of a section or a caregiver share sends).
Offline, or without a Twilio account, it says so and shows the segments alone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from ..content import Content
from ..core import compose
from ..core.segments import analyse

#: Prices change rarely; a week-old copy is close enough to plan with.
REFRESH_AFTER = timedelta(days=7)
CACHE_FILE = "sms-prices.json"
#: Commands whose reply a texter can ask for, besides each section's keyword.
COMMANDS = ("menu", "help")


@dataclass(frozen=True)
class CountryPrice:
    """The dearest current price of one outbound SMS segment to a mobile in a country."""

    country: str
    unit: str
    per_segment: Decimal
    carriers: int
    fetched_at: datetime


class PriceError(Exception):
    """Prices cannot be had right now; the message says why."""


def dearest_mobile_price(outbound: Iterable[Mapping[str, Any]]) -> tuple[Decimal | None, int]:
    """The highest current price of a mobile segment over the carriers, and how many carriers.

    The dearest, because the helpline cannot choose its recipients' carriers.
    """
    best, carriers = None, 0
    for carrier in outbound:
        carriers += 1
        for price in carrier.get("prices") or []:
            if price.get("number_type") not in (None, "mobile"):
                continue
            try:
                value = Decimal(str(price.get("current_price") or price.get("base_price")))
            except InvalidOperation:
                continue
            best = value if best is None or value > best else best
    return best, carriers


class PriceApi:
    """Twilio's Pricing API for messages, through the client the worker sends with."""

    def __init__(self, settings: Mapping[str, Any], timeout: float = 10.0):
        if not (settings.get("TWILIO_ACCOUNT_SID") and (
                settings.get("TWILIO_AUTH_TOKEN") or settings.get("TWILIO_API_KEY_SECRET"))):
            raise PriceError("no Twilio account is set (TWILIO_ACCOUNT_SID and "
                             "TWILIO_AUTH_TOKEN)")
        from ..outbound.transport import TwilioTransport

        self.client = TwilioTransport(settings, timeout=timeout).client

    def fetch(self, country: str) -> CountryPrice:
        from requests import RequestException
        from twilio.base.exceptions import TwilioException, TwilioRestException

        try:
            found = self.client.pricing.v1.messaging.countries(country).fetch()
        except TwilioRestException as exc:
            raise PriceError(f"Twilio answered {exc.status} for {country}: {exc.msg}") from None
        except (RequestException, TwilioException, OSError) as exc:
            raise PriceError(f"Twilio's pricing could not be reached ({type(exc).__name__})") \
                from None
        price, carriers = dearest_mobile_price(found.outbound_sms_prices or [])
        if price is None:
            raise PriceError(f"Twilio lists no SMS price for {country}")
        return CountryPrice(country, str(found.price_unit or "USD"), price, carriers,
                            datetime.now(UTC))


class PriceCache:
    """Prices kept in the instance folder, one entry per country, refreshed weekly."""

    def __init__(self, path: Path):
        self.path = path

    def _read(self) -> dict[str, dict]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def get(self, country: str, now: datetime) -> CountryPrice | None:
        entry = self._read().get(country)
        if not entry:
            return None
        fetched = datetime.fromisoformat(entry["fetched_at"])
        if now - fetched > REFRESH_AFTER:
            return None
        return CountryPrice(country, entry["unit"], Decimal(entry["per_segment"]),
                            int(entry.get("carriers", 0)), fetched)

    def put(self, price: CountryPrice) -> None:
        data = self._read()
        data[price.country] = {"unit": price.unit, "per_segment": str(price.per_segment),
                               "carriers": price.carriers,
                               "fetched_at": price.fetched_at.isoformat()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.path)


def prices_for(countries: Sequence[str], cache: PriceCache, api: Any,
               refresh: bool = False) -> tuple[dict[str, CountryPrice], str | None]:
    """Prices from the cache where fresh, else from Twilio; and why any is missing."""
    now = datetime.now(UTC)
    found, problem = {}, None
    for country in countries:
        cached = None if refresh else cache.get(country, now)
        if cached is not None:
            found[country] = cached
            continue
        if isinstance(api, PriceError):
            problem = str(api)
            continue
        try:
            found[country] = api.fetch(country)
        except PriceError as exc:
            problem = str(exc)
            continue
        cache.put(found[country])
    return found, problem


def reply_segments(content: Content, values: Mapping[str, object]) -> list[tuple[str, dict]]:
    """(what is sent, {language: segments}) for every keyword reply, then every whole section."""
    catalogue = content.catalogue
    rows: list[tuple[str, dict]] = []

    def segments(ids_for) -> dict[str, int]:
        return {pack.code: sum(analyse(part).segments
                               for part in compose.parts(pack, ids_for(pack), values))
                for pack in content}

    for intent in (COMMANDS[0], *catalogue.ids, *COMMANDS[1:]):
        rows.append((f"reply to {intent.upper()}", segments(
            lambda pack, i=intent: compose.reply_ids(pack, catalogue, i))))
    for section in catalogue:
        rows.append((f"whole section: {section.id}", segments(
            lambda pack, s=section.id: [*compose.section_ids(pack, s), "sms.stop_footer"])))
    return rows


def table(rows: list[tuple[str, dict]], languages: Sequence[str],
          price: CountryPrice | None) -> list[str]:
    """One line per reply: segments per language, and the cost where the price is known."""
    width = max(len(name) for name, _ in rows)
    cell = 14 if price else 5
    lines = ["  " + "".ljust(width) + "".join(code.rjust(cell) for code in languages)]
    for name, counts in rows:
        cells = []
        for code in languages:
            n = counts[code]
            cells.append(f"{n} = {n * price.per_segment:.4f}" if price else str(n))
        lines.append("  " + name.ljust(width) + "".join(c.rjust(cell) for c in cells))
    return lines


@click.command("prices")
@click.argument("countries", nargs=-1, required=True, metavar="COUNTRY...")
@click.option("--refresh", is_flag=True, help="Fetch the prices again even if a week has not "
                                               "passed.")
@with_appcontext
def prices_command(countries: tuple[str, ...], refresh: bool) -> None:
    """What every keyword reply and every whole section costs to text, per language, to each
    COUNTRY (ISO codes, e.g. GB US CN).

    Prices come from Twilio's Pricing API (the dearest carrier's price for a mobile), kept in
    the instance folder for a week. Offline, only the segments are shown.
    """
    from ..core.prompts import deployment_values
    from ..web.content import current_content

    codes = [c.strip().upper() for c in countries if c.strip()]
    try:
        api: Any = PriceApi(current_app.config)
    except PriceError as exc:
        api = exc
    cache = PriceCache(Path(current_app.instance_path) / CACHE_FILE)
    found, problem = prices_for(codes, cache, api, refresh)
    content = current_content()
    languages = [pack.code for pack in content]
    rows = reply_segments(content, deployment_values(current_app.config))
    if problem:
        click.echo(f"Prices not available: {problem}. Showing SMS segments only (Twilio "
                   "charges per segment).")
    for code in codes:
        price = found.get(code)
        click.echo()
        if price is None:
            click.echo(f"{code}: segments per reply (no price)")
        else:
            click.echo(f"{code}: {price.per_segment} {price.unit} per segment (the dearest of "
                       f"{price.carriers} carrier(s)), prices of {price.fetched_at:%Y-%m-%d}; "
                       f"segments = cost in {price.unit}")
        for line in table(rows, languages, price):
            click.echo(line)
