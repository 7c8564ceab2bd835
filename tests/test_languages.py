"""Every enabled language works end to end: a whole call and a whole SMS session in each."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpline.content.loader import available_languages, load_content
from helpline.content.model import SMS, VOICE
from helpline.core.normalise import normalise
from helpline.core.prompts import deployment_values

from .conftest import Texter, Twilio
from .voice.conftest import Caller

REPO = Path(__file__).resolve().parent.parent
LANGUAGES = available_languages(REPO / "scripts_content")
OTHERS = [code for code in LANGUAGES if code != "en"]
CONTENT = load_content(REPO / "scripts_content", LANGUAGES)


@pytest.fixture
def settings(settings):
    settings["HELPLINE_LANGUAGES"] = ",".join(["en", *OTHERS])
    settings["HELPLINE_TEXT_ME_PER_DAY"] = 5  # a whole call asks for a text in each section
    return settings


def spoken(app, code: str, text_id: str, **values) -> str:
    return CONTENT.pack(code).render(text_id, VOICE, {**deployment_values(app.config), **values})


def texted(app, code: str, text_id: str) -> str:
    return CONTENT.pack(code).render(text_id, SMS, deployment_values(app.config))


def test_the_content_check_passes_with_every_language_enabled():
    from helpline.content_check import check_content

    result = check_content(REPO / "scripts_content", LANGUAGES)

    assert [str(p) for r in result.languages for p in r.problems if p.severity == "error"] == []
    assert {r.code for r in result.languages} == set(LANGUAGES)


def test_the_language_menu_offers_each_language_in_its_own_words_and_voice(twilio, app):
    caller = Caller(twilio, app)
    screen = caller.dial()

    says = [el for el in screen.prompts]
    assert len(says) == len(LANGUAGES)
    for key, (code, element) in enumerate(zip(["en", *OTHERS], says, strict=True), start=1):
        meta = CONTENT.pack(code).meta
        if element.tag == "Say":
            assert element.text == spoken(app, code, "language.choose", key=key)
            assert element.get("voice") == meta.say_voice
            assert element.get("language") == meta.say_language
        else:
            assert f"/{code}/language.choose.key-{key}." in element.text


@pytest.mark.parametrize("code", OTHERS)
def test_a_whole_call_in_each_language(twilio, app, outbox, code):
    caller = Caller(twilio, app)
    caller.dial()
    key = str(["en", *OTHERS].index(code) + 1)

    main = caller.press(key)
    assert main.hears("welcome", code) and main.hears("menu.main", code)
    assert main.gather.get("language") == CONTENT.pack(code).meta.speech_language

    assert caller.press("1").hears("menu.scripts", code)
    for n, script in enumerate(("scripts.direct", "scripts.emotional", "scripts.calm"), 1):
        if n == 1:
            assert caller.press("1").hears(script, code)
        else:
            assert caller.press("9").hears(script, code)
    caller.press("8")
    for menu_key, section in (("2", "checklist"), ("3", "questions"), ("4", "international"),
                              ("5", "support")):
        screen = caller.press(menu_key)
        assert screen.hears(f"{section}.intro", code)
        assert screen.hears(CONTENT.pack(code).sections[section].items[0].id, code)
        if section == "questions":
            assert caller.text_me().hears("voice.text_sent", code)
        caller.press("8")

    rows = outbox.rows(to_number=caller.number)
    assert rows and all(row.language == code for row in rows)
    assert texted(app, code, "questions.q01") in rows[0].body


@pytest.mark.parametrize("code", OTHERS)
def test_a_whole_sms_session_in_each_language(twilio, app, store, code):
    pack = CONTENT.pack(code)
    texter = Texter(Twilio(app.test_client()), number="+447400123777")
    words = {intent: pack.intents[intent][0] for intent in
             ("menu", "scripts", "checklist", "questions", "international", "support")}

    # The first word is one only this language uses, so the helpline learns the language.
    assert texted(app, code, "checklist.intro") in texter.send(words["checklist"])[0]
    assert texter.send(words["menu"]) == [texted(app, code, "menu.main")]
    assert texted(app, code, "scripts.intro") in texter.send(words["scripts"])[0]
    for intent in ("questions", "international", "support"):
        replies = texter.send(words[intent])
        assert texted(app, code, f"{intent}.intro") in replies[0], (intent, words[intent])
    with store.reading() as tx:
        assert tx.contacts.texter_state(texter.number) == (code, False)
    help_word = (pack.reserved.get("help") or ("HELP",))[0]
    assert texter.send(help_word) == [texted(app, code, "sms.help")]

    stop_word = pack.reserved["opt_out"][0]
    assert texter.send(stop_word) == [texted(app, code, "sms.opted_out")]
    with store.reading() as tx:
        assert tx.contacts.is_opted_out(texter.number)
    assert texter.send(words["checklist"]) == []


@pytest.mark.parametrize("code", OTHERS)
def test_texting_a_languages_name_switches_to_it(twilio, app, store, code):
    texter = Texter(Twilio(app.test_client()), number="+447400123888")
    name = CONTENT.pack(code).meta.name

    assert texter.send(name) == [texted(app, code, "language.set")]
    with store.reading() as tx:
        assert tx.contacts.texter_state(texter.number)[0] == code
    # A menu number belongs to no language: it answers in the texter's language
    assert texted(app, code, "questions.intro") in texter.send("3")[0]


RESERVED = [(code, kind, word) for code in LANGUAGES
            for kind in ("opt_out", "opt_in", "help")
            for word in CONTENT.pack(code).reserved[kind]]


@pytest.fixture(scope="module")
def table():
    from helpline.core.keywords import KeywordTable

    return KeywordTable.from_content(CONTENT)


@pytest.mark.parametrize("code, kind, word", RESERVED)
def test_every_languages_reserved_words_work_alone_and_only_alone(table, code, kind, word):
    assert table.match(word).name == kind
    assert table.match(f" {word.lower()}. ").name == kind
    if kind == "opt_out" and any(normalise(p) in normalise(word)
                                 for p in CONTENT.pack(code).opt_out_phrases):
        return  # also an opt-out phrasing, so honoured inside a text too (test_dangerous_words)
    assert table.match(f"{word} checklist later please").name != kind
