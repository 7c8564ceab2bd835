"""The page, the CLI table, CSV and JSON agree on every figure of the seeded week."""

from __future__ import annotations

import json

import pytest

from helpline.cli import cli
from helpline.reports.figures import shown

from .readers import by_key, csv_rows, json_rows, page_rows, table_rows
from .seeding import EXPECTED, WEEK

PERIOD = {"since": WEEK[0].isoformat(), "until": WEEK[-1].isoformat()}


def cli_output(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(cli, ["report", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def outputs(seeded_app, tmp_path) -> dict[str, list[tuple[str, str, str]]]:
    client = seeded_app.test_client()
    page = client.get("/admin/reports", query_string=PERIOD)
    assert page.status_code == 200
    dates = ["--since", PERIOD["since"], "--until", PERIOD["until"]]
    out = tmp_path / "report.csv"
    cli_output(seeded_app, *dates, "--format", "csv", "--output", str(out))
    return {
        "page": page_rows(page.get_data(as_text=True)),
        "table": table_rows(cli_output(seeded_app, *dates)),
        "csv": csv_rows(cli_output(seeded_app, *dates, "--format", "csv")),
        "csv file": csv_rows(out.read_text(encoding="utf-8")),
        "json": json_rows(cli_output(seeded_app, *dates, "--format", "json")),
        "page csv": csv_rows(client.get("/admin/reports.csv", query_string=PERIOD)
                             .get_data(as_text=True)),
        "page json": json_rows(client.get("/admin/reports.json", query_string=PERIOD)
                               .get_data(as_text=True)),
    }


def test_every_output_shows_the_same_figures(outputs):
    page = outputs.pop("page")
    assert len(page) > 100
    for name, rows in outputs.items():
        assert rows == page, name


def test_the_figures_are_the_seeded_week_with_small_counts_hidden(outputs):
    figures = by_key(outputs["csv"])

    for section, expected in EXPECTED.items():
        for label, value in expected.items():
            assert figures[section][label] == shown(value), (section, label)
    assert figures["sharing"]["caregiver share, from a call"] == "<5"
    assert figures["outbox"]["pending"] == "<5" and figures["outbox"]["sending"] == "0"


def test_json_keeps_numbers_as_numbers(seeded_app):
    text = cli_output(seeded_app, "--since", PERIOD["since"], "--until", PERIOD["until"],
                      "--format", "json")
    data = json.loads(text)

    summary = {f["label"]: f["value"] for f in data["sections"][0]["figures"]}
    assert summary["calls"] == 79 and summary["opt-outs"] == "<5"
    assert (data["since"], data["until"]) == (PERIOD["since"], PERIOD["until"])


def test_simulated_traffic_is_not_in_the_report(seeded_app):
    figures = by_key(json_rows(cli_output(seeded_app, "--since", PERIOD["since"], "--until",
                                          PERIOD["until"], "--format", "json")))

    assert figures["calls_by_language"]["Français (fr)"] == "0"  # only simulated calls were fr
    assert figures["outbox"]["failed"] == "9"  # six simulated failures left out


def test_the_default_period_is_the_last_thirty_days(local_app):
    from datetime import UTC, datetime, timedelta

    from helpline.store import get_store

    from .seeding import seed_week

    today = datetime.now(UTC).date()
    with local_app.app_context():
        seed_week(get_store(), today - timedelta(days=6), noise=False)

    figures = by_key(table_rows(cli_output(local_app)))

    assert len(figures["calls_per_day"]) == 30
    assert figures["calls_per_day"][today.isoformat()] == "14"
    assert figures["summary"]["calls"] == "79"


@pytest.mark.parametrize("args, message", [
    (["--since", "1 March"], "since must be a date written YYYY-MM-DD"),
    (["--since", "2026-03-09", "--until", "2026-03-01"], "is after the end date"),
])
def test_the_command_explains_a_bad_date(seeded_app, args, message):
    result = seeded_app.test_cli_runner().invoke(cli, ["report", *args])

    assert result.exit_code == 2
    assert message in result.output


def test_the_command_is_listed_in_help():
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["--help"])
    assert "  report " in result.output
