"""The menu as pure data: one key map everywhere, no dead ends, no silence."""

from __future__ import annotations

from dataclasses import replace

import pytest

from helpline.core import menu
from helpline.core.menu import MAIN, Position, Say

from ..catalogues import shipped_catalogue

SECTIONS = {
    "scripts": ("scripts.direct", "scripts.emotional", "scripts.calm"),
    "checklist": tuple(f"checklist.c{n}" for n in range(1, 7)),
    "questions": tuple(f"questions.q{n:02d}" for n in range(1, 11)),
    "international": ("international.a", "international.b"),
    "support": ("support.a", "support.b", "support.c"),
}
CATALOGUE = shipped_catalogue()
ONE = menu.MenuConfig(languages=("en",), catalogue=CATALOGUE, sections=SECTIONS)
SIX = menu.MenuConfig(languages=("en", "zh", "es", "ar", "ru", "fr"), catalogue=CATALOGUE,
                      sections=SECTIONS)
WITH_PERSON = menu.MenuConfig(("en",), CATALOGUE, SECTIONS, transfer_available=True,
                              transfer_open=True)
CLOSED = menu.MenuConfig(("en",), CATALOGUE, SECTIONS, transfer_available=True,
                         transfer_open=False)


def ids(step: menu.Step) -> list[str]:
    return [say.text_id for say in step.prompts]


def test_a_call_starts_with_each_language_offered_in_its_own_words():
    step = menu.start(SIX)

    assert step.listen == Position("language", "en")
    assert step.prompts == tuple(
        Say("language.choose", {"key": n}, language=code)
        for n, code in enumerate(SIX.languages, start=1))


def test_with_one_language_the_call_starts_at_the_main_menu():
    step = menu.start(ONE)

    assert ids(step) == ["welcome", "safety", "menu.main"]
    assert step.listen == Position(MAIN, "en")


@pytest.mark.parametrize("key, language", [("1", "en"), ("2", "zh"), ("3", "es"), ("6", "fr")])
def test_a_language_key_switches_the_whole_call(key, language):
    step = menu.answer(Position("language", "en"), key, SIX)

    assert step.listen == Position(MAIN, language)
    assert ids(step) == ["welcome", "safety", "menu.main"]


@pytest.mark.parametrize(
    "key, screen, first_prompts",
    [
        ("1", "scripts_menu", ["scripts.intro", "menu.scripts"]),
        ("2", "checklist", ["checklist.intro", "nav.item", "checklist.c1", "menu.content_keys"]),
        ("3", "questions", ["questions.intro", "nav.question", "questions.q01",
                            "menu.content_keys", "menu.question_keys"]),
        ("4", "international", ["international.intro", "nav.part", "international.a",
                                "menu.content_keys"]),
        ("5", "support", ["support.intro", "nav.part", "support.a", "menu.content_keys"]),
        ("*", "main", ["menu.main"]),
    ],
)
def test_the_main_menu_keys(key, screen, first_prompts):
    step = menu.answer(Position(MAIN, "en"), key, ONE)

    assert step.listen.screen == screen
    assert ids(step) == first_prompts


def test_nine_on_the_main_menu_asks_first_then_texts_the_menu_and_stays():
    offer = menu.answer(Position(MAIN, "en"), "9", ONE)
    step = menu.answer(offer.listen, "1", ONE)

    assert offer.effect is None and ids(offer) == ["text_me.offer_menu"]
    assert step.effect == menu.TextMe("menu.main")
    assert step.listen == Position(MAIN, "en")


def test_hash_hears_the_screen_again_and_is_never_silence():
    for here in (Position(MAIN, "en"), Position("questions", "en", index=2),
                 Position("text_me:questions", "en", index=2), Position("scripts_menu", "en")):
        again = menu.answer(replace(here, silences=1), "#", ONE)

        assert again.listen == here and not again.hangup
        assert "voice.no_input" not in ids(again) and "voice.wrong_key" not in ids(again)


def test_a_landline_caller_is_told_at_once_instead_of_offered_a_text():
    step = menu.answer(Position("checklist", "en", index=1), "9", replace(ONE, can_text=False))

    assert ids(step)[0] == "voice.text_not_possible" and step.effect is None
    assert step.listen == Position("checklist", "en", index=1)


@pytest.mark.parametrize("key", ["0", "6", "7", "8", "x"])
def test_a_wrong_key_says_so_and_repeats_the_menu(key):
    step = menu.answer(Position(MAIN, "en"), key, ONE)

    assert ids(step) == ["voice.wrong_key", "menu.main"]
    assert step.listen == Position(MAIN, "en")


def test_zero_reaches_a_person_only_when_configured_and_open():
    assert "menu.transfer" not in ids(menu.start(ONE))
    assert "menu.transfer" in ids(menu.start(WITH_PERSON))

    assert menu.answer(Position(MAIN, "en"), "0", WITH_PERSON).transfer is True
    closed = menu.answer(Position(MAIN, "en"), "0", CLOSED)
    assert closed.transfer is False
    assert ids(closed) == ["transfer.closed", "transfer.hours", "menu.main", "menu.transfer"]


@pytest.mark.parametrize("key, index", [("1", 0), ("2", 1), ("3", 2)])
def test_the_scripts_menu_picks_a_script(key, index):
    step = menu.answer(Position("scripts_menu", "en"), key, ONE)

    assert step.listen == Position("scripts", "en", index=index)
    assert ids(step) == ["nav.script", SECTIONS["scripts"][index], "menu.content_keys"]
    assert step.prompts[0].values == {"n": index + 1, "total": 3}


@pytest.mark.parametrize("section", list(SECTIONS))
def test_every_piece_offers_the_same_keys(section):
    here = Position(section, "en", index=1)

    repeat = menu.answer(here, "1", ONE)
    forward = menu.answer(here, "2", ONE)
    back = menu.answer(here, "3", ONE)
    offer = menu.answer(here, "9", ONE)
    text = menu.answer(offer.listen, "1", ONE)
    home = menu.answer(here, "*", ONE)

    assert repeat.listen == here and SECTIONS[section][1] in ids(repeat)
    assert forward.listen.index == 2 or ids(forward)[0] == "nav.last"
    assert back.listen.index == 0 and SECTIONS[section][0] in ids(back)
    assert offer.effect is None and offer.listen.screen == f"text_me:{section}"
    assert text.effect == menu.TextMe(SECTIONS[section][1]) and text.listen == here
    assert home.listen == Position(MAIN, "en")


def test_pieces_say_where_the_caller_is():
    step = menu.answer(Position("questions", "en", index=1), "2", ONE)

    assert step.prompts[0] == Say("nav.question", {"n": 3, "total": 10})


def test_next_after_the_last_piece_says_so_and_offers_the_menu():
    last = Position("questions", "en", index=9)

    step = menu.answer(last, "2", ONE)

    assert ids(step) == ["nav.last", "menu.content_keys", "menu.question_keys"]
    assert step.listen == last


def test_previous_on_the_first_piece_says_so_and_repeats_it():
    step = menu.answer(Position("checklist", "en"), "3", ONE)

    assert ids(step)[:3] == ["nav.first", "nav.item", "checklist.c1"]


def test_eight_sends_the_questions_to_a_caregiver_only_from_the_questions():
    asked = menu.answer(Position("questions", "en", index=4), "8", ONE)
    elsewhere = menu.answer(Position("checklist", "en", index=4), "8", ONE)

    assert asked.listen == Position("caregiver_number", "en", index=4)
    assert ids(asked) == ["caregiver.ask_number"]
    assert ids(elsewhere)[0] == "voice.wrong_key"


def test_a_typed_number_is_read_back_digit_by_digit_in_its_groups_then_confirmed():
    typed = menu.answer(Position("caregiver_number", "en", index=4), "447700900123", ONE)
    from_uk = menu.answer(Position("caregiver_number", "en", index=4), "07700900123",
                          replace(ONE, caller_region="GB"))

    assert typed.listen == Position("caregiver_confirm", "en", index=4, digits="447700900123")
    assert typed.prompts[0] == Say("caregiver.read_back",
                                   {"digits": "4 4 7, 7 0 0, 9 0 0, 1 2 3"})
    assert from_uk.prompts[0].values == {"digits": "0 7 7 0 0, 9 0 0 1 2 3"}

    confirmed = menu.answer(typed.listen, "1", ONE)
    assert confirmed.effect == menu.ShareWithCaregiver("447700900123")
    assert confirmed.listen == Position("questions", "en", index=4)

    retyped = menu.answer(typed.listen, "2", ONE)
    assert retyped.listen == Position("caregiver_number", "en", index=4)


@pytest.mark.parametrize("typed", ["12", "1234567890123456789", "12*34"])
def test_a_number_that_cannot_be_a_phone_number_is_asked_again(typed):
    step = menu.answer(Position("caregiver_number", "en"), typed, ONE)

    assert ids(step) == ["caregiver.invalid", "caregiver.ask_number"]


def test_silence_at_a_menu_repeats_twice_then_says_a_kind_goodbye():
    here = Position(MAIN, "en")

    first = menu.answer(here, None, ONE)
    second = menu.answer(first.listen, None, ONE)
    third = menu.answer(second.listen, None, ONE)

    assert ids(first)[0] == "voice.no_input" and first.listen.silences == 1
    assert ids(second)[0] == "voice.no_input" and second.listen.silences == 2
    assert ids(third) == ["voice.goodbye_no_input"] and third.hangup and third.listen is None


def test_silence_after_a_piece_repeats_only_its_keys_then_goes_to_the_main_menu():
    here = Position("questions", "en", index=2)

    first = menu.answer(here, None, ONE)
    second = menu.answer(first.listen, None, ONE)
    third = menu.answer(second.listen, None, ONE)

    assert ids(first) == ["menu.content_keys", "menu.question_keys"]
    assert first.listen.silences == 1 and SECTIONS["questions"][2] not in ids(second)
    assert third.listen == Position(MAIN, "en") and not third.hangup


def test_a_key_after_a_silence_starts_the_count_again():
    quiet = menu.answer(Position(MAIN, "en"), None, ONE).listen

    pressed = menu.answer(quiet, "*", ONE)

    assert pressed.listen.silences == 0


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"s": "nowhere", "l": "en"}, Position(MAIN, "en")),
        ({"s": "questions", "l": "en", "i": "99"}, Position("questions", "en", index=0)),
        ({"s": "questions", "l": "xx", "i": "3"}, Position("questions", "en", index=3)),
        ({"s": "main", "l": "en", "r": "77"}, Position(MAIN, "en", silences=2)),
        ({"s": "caregiver_confirm", "l": "en", "d": "12ab"}, Position("caregiver_number", "en")),
        ({"s": "caregiver_confirm", "l": "en", "d": "4477"}, Position("caregiver_number", "en")),
        ({"s": "language", "l": "en"}, Position(MAIN, "en")),
        ({}, Position(MAIN, "en")),
    ],
)
def test_a_stale_or_forged_position_is_made_safe(query, expected):
    assert menu.normalise(menu.from_query(query), ONE) == expected


def test_a_position_survives_the_round_trip_through_a_url_but_typed_digits_never_ride_in_it():
    here = Position("caregiver_confirm", "es", index=4, silences=1, digits="447700900123")

    query = menu.to_query(here)

    assert "447700900123" not in "".join(query.values())
    assert menu.from_query(query) == replace(here, digits="")
    assert menu.from_query({**query, "d": "447700900123"}).digits == ""  # a forged plain d


def test_no_screen_is_a_dead_end():
    """From every screen, every key and silence leads to a screen that listens or a goodbye."""
    screens = [Position("language", "en"), Position(MAIN, "en"), Position("scripts_menu", "en"),
               Position("caregiver_number", "en"), Position("caregiver_confirm", "en",
                                                            digits="4477009001")]
    screens += [Position(s, "en", index=i) for s, pieces in SECTIONS.items()
                for i in range(len(pieces))]
    for config in (SIX, WITH_PERSON):
        for here in screens:
            for key in [*"0123456789*#", None, "99"]:
                step = menu.answer(here, key, config)
                assert step.prompts, (here, key)
                assert step.listen is not None or step.hangup or step.transfer, (here, key)
