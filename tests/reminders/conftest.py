"""Reminders end to end: a texter or caller sets one, `helpline worker --once --now` runs at
chosen instants against Twilio's API (Prism), and the texts Twilio accepted are read back."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpline.cli import cli

from ..sms.conftest import words  # noqa: F401  (the texts a texter should read)

LONDON = "Europe/London"


@pytest.fixture
def settings(settings, twilio_mock, tmp_path):
    settings["TWILIO_API_BASE_URL"] = twilio_mock.url
    # No recordings: what a caller hears is read from the <Say> words.
    settings["HELPLINE_AUDIO_DIR"] = str(tmp_path / "no-audio")
    return settings


class Worker:
    """`helpline worker --once --now ...` as an operator runs it."""

    def __init__(self, runner, twilio_mock) -> None:
        self.runner = runner
        self.twilio = twilio_mock

    def run_at(self, moment: datetime) -> list[tuple[str, str]]:
        """Run one pass as if at ``moment``; the (to, body) of every text Twilio accepted."""
        before = len(self.twilio.created)
        result = self.runner.invoke(cli, ["worker", "--once", "--now", moment.isoformat()])
        assert result.exit_code == 0, result.output
        return [(m["to"], m["body"]) for m in self.twilio.created[before:]]


@pytest.fixture
def worker(runner, twilio_mock) -> Worker:
    return Worker(runner, twilio_mock)


def at(zone: str, day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def today_in(zone: str) -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(zone)).date()


def appointment_in(days: int, zone: str = LONDON) -> date:
    return today_in(zone) + timedelta(days=days)
