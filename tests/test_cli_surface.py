"""The `helpline` command is the helpline's own: its options, its version, its start-up words."""

from __future__ import annotations

import logging
import platform
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpline import create_app
from helpline.cli import banner, cli

FLASK_OPTIONS = ("--env-file", "--app", "--debug", "--no-debug", "-A", "-e")


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def options_listed(help_text: str) -> set[str]:
    listed = help_text.split("Options:")[1].split("Commands:")[0]
    return {word.rstrip(",") for line in listed.splitlines()
            for word in line.split() if word.startswith("-")}


def test_help_lists_only_the_helplines_options():
    result = run("--help")

    assert result.exit_code == 0
    assert options_listed(result.output) == {"--version", "-h", "--help"}
    for option in FLASK_OPTIONS:
        assert option not in options_listed(result.output)


@pytest.mark.parametrize("option", ["--env-file", "--app", "--debug"])
def test_flasks_options_are_not_accepted(option):
    result = CliRunner().invoke(cli, [option, "x", "content", "check"])

    assert result.exit_code == 2 and "No such option" in result.output


def test_version_names_the_helpline_then_python_flask_and_twilio():
    from importlib import metadata

    result = run("--version")

    first, second = result.output.strip().splitlines()
    assert first == f"helpline {metadata.version('second-opinion-helpline')}"
    assert second == (f"Python {platform.python_version()}, Flask {metadata.version('flask')}, "
                      f"twilio {metadata.version('twilio')}")


def test_the_installed_command_shows_the_same_help_and_version():
    helpline = Path(sys.executable).parent / "helpline"
    if not helpline.exists():
        pytest.skip("the package is not installed into this environment: run `make test`")

    shown = subprocess.run([str(helpline), "--help"], capture_output=True, text=True, timeout=60)
    version = subprocess.run([str(helpline), "--version"], capture_output=True, text=True,
                             timeout=60)

    assert shown.returncode == 0 and "--env-file" not in shown.stdout + shown.stderr
    assert version.stdout.startswith("helpline ") and "Flask" in version.stdout


def test_the_local_mode_warning_is_not_logged_by_every_command(settings, caplog):
    local = {**settings, "TESTING": False, "TWILIO_AUTH_TOKEN": "", "TWILIO_ACCOUNT_SID": ""}

    with caplog.at_level(logging.INFO):
        create_app(local)

    assert "local mode" not in caplog.text


def test_the_serve_banner_reads_as_sentences_in_local_mode(settings):
    app = create_app({**settings, "TWILIO_AUTH_TOKEN": "", "TWILIO_ACCOUNT_SID": ""})

    text = banner(app.config, "127.0.0.1", 5000)

    assert text.splitlines() == [
        "The helpline is running at http://127.0.0.1:5000/.",
        "It runs in local mode because TWILIO_AUTH_TOKEN is not set: webhooks accept unsigned "
        "requests and no text is sent. Set the token before pointing a real number here.",
        "Open http://127.0.0.1:5000/simulator to try it.",
        "Press Ctrl+C to stop.",
    ]


def test_the_serve_banner_reads_as_sentences_in_production(settings):
    app = create_app(settings)

    text = banner(app.config, "127.0.0.1", 8000)

    assert "local mode" not in text
    assert text.splitlines() == [
        "The helpline is running at http://127.0.0.1:8000/.",
        "Every webhook must carry a Twilio signature for https://helpline.example.org.",
        "Press Ctrl+C to stop.",
    ]
    assert all(line.endswith(".") for line in text.splitlines())
