"""`helpline prices`: message prices fetched through Twilio's Pricing API (Prism on Twilio's
spec), cached in the instance folder for a week, and shown against every reply's segments."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from helpline import create_app
from helpline.cli import cli
from helpline.core import compose
from helpline.core.prompts import deployment_values
from helpline.core.segments import analyse
from helpline.golive.prices import CACHE_FILE
from helpline.web.content import current_content

from ..twilio_mock import free_port


@pytest.fixture
def settings(settings, carrier_apis):
    carrier_apis.start("twilio_pricing_v1.json")
    carrier_apis.prices = {"GB": {"EE": "0.0400", "Vodafone UK": "0.0452"},
                           "CN": {"China Mobile": "0.0650"}}
    carrier_apis.price_unit = "USD"
    return {**settings, "HELPLINE_LANGUAGES": "en,zh", "TWILIO_API_BASE_URL": carrier_apis.url}


def prices(settings, *args: str):
    info = ScriptInfo(create_app=lambda: create_app(settings))
    return CliRunner().invoke(cli, ["prices", *args], obj=info)


def segments_of(settings, language: str, ids_for) -> int:
    app = create_app(settings)
    with app.app_context():
        content = current_content()
        pack = content.pack(language)
        values = deployment_values(app.config)
        return sum(analyse(p).segments
                   for p in compose.parts(pack, ids_for(pack, content.catalogue), values))


def row(output: str, country: str, name: str) -> list[str]:
    block = output.split(f"\n{country}: ", 1)[1]
    line = next(line for line in block.splitlines() if line.strip().startswith(name))
    return re.findall(r"\d+ = [\d.]+|\d+", line[len(name) + 2:])


def fetches(carrier_apis) -> list[str]:
    return [path for _, path in carrier_apis.requests if path.startswith("/v1/Messaging/")]


def test_prices_are_fetched_and_every_reply_is_costed(settings, carrier_apis):
    result = prices(settings, "GB", "CN")

    assert result.exit_code == 0, result.output
    assert carrier_apis.rejected == []
    assert "GB: 0.0452 USD per segment (the dearest of 2 carrier(s))" in result.output
    assert "CN: 0.0650 USD per segment" in result.output
    menu_en = segments_of(settings, "en", lambda p, c: compose.reply_ids(p, c, "menu"))
    menu_zh = segments_of(settings, "zh", lambda p, c: compose.reply_ids(p, c, "menu"))
    assert row(result.output, "GB", "reply to MENU") == [
        f"{menu_en} = {menu_en * Decimal('0.0452'):.4f}",
        f"{menu_zh} = {menu_zh * Decimal('0.0452'):.4f}"]
    whole = segments_of(settings, "en", lambda p, c: [*compose.section_ids(p, "questions"),
                                                      "sms.stop_footer"])
    assert row(result.output, "CN", "whole section: questions")[0] == \
        f"{whole} = {whole * Decimal('0.0650'):.4f}"


def test_prices_are_cached_for_a_week(settings, carrier_apis):
    prices(settings, "GB")
    assert fetches(carrier_apis) == ["/v1/Messaging/Countries/GB"]

    prices(settings, "GB")
    assert len(fetches(carrier_apis)) == 1  # from the instance folder

    cache = Path(settings["INSTANCE_PATH"]) / CACHE_FILE
    data = json.loads(cache.read_text())
    data["GB"]["fetched_at"] = (datetime.now(UTC) - timedelta(days=8)).isoformat()
    cache.write_text(json.dumps(data))
    carrier_apis.prices["GB"] = {"EE": "0.0500"}

    result = prices(settings, "GB")

    assert len(fetches(carrier_apis)) == 2
    assert "GB: 0.0500 USD per segment" in result.output


def test_offline_it_says_so_and_shows_segments_only(settings):
    offline = {**settings, "TWILIO_API_BASE_URL": f"http://127.0.0.1:{free_port()}"}

    result = prices(offline, "GB")

    assert result.exit_code == 0, result.output
    assert "Prices not available: Twilio's pricing could not be reached" in result.output
    assert "GB: segments per reply (no price)" in result.output
    menu_en = segments_of(settings, "en", lambda p, c: compose.reply_ids(p, c, "menu"))
    assert row(result.output, "GB", "reply to MENU")[0] == str(menu_en)
    assert " = " not in result.output.split("\nGB: ", 1)[1]
