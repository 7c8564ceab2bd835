"""`helpline simulate`: the same call and texts in a terminal, through the real webhooks."""

from __future__ import annotations

import pytest

from helpline.cli import cli
from helpline.core import compose
from helpline.core.phone import is_fictional
from helpline.core.segments import analyse
from helpline.web.content import current_content

from ..conftest import Outbox


@pytest.fixture
def simulate(app):
    """Run `helpline simulate ...` against the test app (signed webhooks, as in production)."""
    runner = app.test_cli_runner()

    def run(*args: str):
        return runner.invoke(cli, ["simulate", *args])

    return run


def test_it_prints_what_the_caller_hears_down_to_question_3_and_the_checklist(simulate, words):
    result = simulate("call", "--keys", "1 3 9 9", "--say", "menu", "--say", "checklist")

    assert result.exit_code == 0, result.output
    out = result.output
    assert "You press 1" in out and 'You say “checklist”' in out
    assert "▶ audio/en/nav.question.3-of-10." in out
    assert words.voice("nav.question", n=3, total=10) in out
    assert words.voice("questions.q03") in out
    assert words.voice("checklist.intro") in out
    assert out.index(words.voice("questions.q03")) < out.index(words.voice("checklist.intro"))
    assert "Call still open, listening at checklist 1" in out


def test_it_fails_when_the_call_ends_before_every_key_was_used(simulate, words):
    result = simulate("call", "--keys", "_ _ _ 1")

    assert result.exit_code == 1
    assert words.voice("voice.goodbye_no_input") in result.output
    assert "not used: 1" in result.output


def test_it_calls_in_another_language_and_shows_the_text_it_queued(simulate, words, app):
    result = simulate("call", "--lang", "es", "--keys", "6 1")

    assert result.exit_code == 0, result.output
    assert words.voice("voice.text_sent", "es") in result.output
    rows = Outbox(app).rows()
    # The test app is in production mode, where the simulator uses only fictional numbers.
    assert rows and all(row.simulated and is_fictional(row.to_number) for row in rows)
    assert all(f"  {line}\n" in result.output for row in rows for line in row.body.splitlines())


def test_it_types_a_caregivers_number_ended_by_hash(simulate, words, app):
    result = simulate("call", "--keys", "1 3 6 3 07911123456#", "--keys", "1")

    assert result.exit_code == 0, result.output
    assert "You press 07911123456#" in result.output
    assert words.voice("caregiver.sent") in result.output
    shares = Outbox(app).rows(kind="share")
    assert shares and all(row.simulated and row.to_number == "+447911123456" for row in shares)


def test_it_texts_and_prints_each_part_with_its_cost(simulate, app):
    first = simulate("sms", "CHECKLIST", "--from", "+447700900001")
    result = simulate("sms", "ALL", "--from", "+447700900001")  # the whole list, in parts

    with app.app_context():
        pack = current_content().pack("en")
        from helpline.core.prompts import deployment_values

        parts = compose.parts(pack, compose.section_ids(pack, "checklist"),
                              deployment_values(app.config))
    assert first.exit_code == 0 and "Reply 1 of 1" in first.output, first.output
    assert result.exit_code == 0, result.output
    assert len(parts) > 1
    for n, part in enumerate(parts, start=1):
        info = analyse(part)
        assert (f"Reply {n} of {len(parts)} · {info.encoding} · {info.segments} segment(s)"
                in result.output)
        assert part in result.output


@pytest.mark.parametrize("args", [["call", "--lang", "xx"], ["sms", "HI", "--from", "hello"]])
def test_it_explains_a_bad_option(simulate, args):
    result = simulate(*args)

    assert result.exit_code == 2
    assert "--lang" in result.output or "--from" in result.output


def test_in_production_it_refuses_a_number_somebody_owns(simulate, app):
    result = simulate("sms", "STOP", "--from", "+447400123001")

    assert result.exit_code == 2
    assert "only fictional numbers" in result.output and "+447700900123" in result.output
    assert Outbox(app).rows() == []
