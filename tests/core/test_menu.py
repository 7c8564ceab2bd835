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
    "faq": ("faq.a", "faq.b"),
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


#: The key card of the shipped catalogue, by meaning.
BACK, REPEAT, TEXT_ME, SLOWER, MAIN_MENU, NEXT_OR_MORE, PERSON = "*", "#", "6", "7", "8", "9", "0"


@pytest.mark.parametrize(
    "key, screen, first_prompts",
    [
        ("1", "scripts_menu", ["scripts.intro", "menu.scripts"]),
        ("2", "checklist", ["checklist.intro", "nav.item", "checklist.c1", "menu.piece_keys",
                            "menu.all_keys"]),
        ("3", "questions", ["questions.intro", "nav.question", "questions.q01",
                            "menu.piece_keys", "menu.all_keys"]),
        ("4", "international", ["international.intro", "nav.part", "international.a",
                                "menu.piece_keys", "menu.all_keys"]),
        ("5", "support", ["support.intro", "nav.part", "support.a", "menu.piece_keys",
                          "menu.all_keys"]),
        (NEXT_OR_MORE, "more", ["menu.more_faq", "menu.more_text", "menu.back"]),
        (MAIN_MENU, "main", ["menu.main"]),
        (REPEAT, "main", ["menu.main"]),
    ],
)
def test_the_main_menu_keys(key, screen, first_prompts):
    step = menu.answer(Position(MAIN, "en"), key, ONE)

    assert step.listen.screen == screen
    assert ids(step) == first_prompts


def test_the_main_menu_offers_at_most_five_choices_and_the_rest_under_more():
    assert [s.key for s in ONE.on_main_menu()] == ["1", "2", "3", "4", "5"]
    more = menu.answer(Position(MAIN, "en"), NEXT_OR_MORE, replace(
        SIX, can_remember=True, reminders=True))

    assert ids(more) == ["menu.more_language", "menu.more_reminders", "menu.more_faq",
                         "menu.more_remember", "menu.more_text", "menu.back"]
    faq = menu.answer(more.listen, "3", SIX)
    assert faq.listen == Position("faq", "en") and ids(faq)[0] == "faq.intro"
    language = menu.answer(more.listen, "1", SIX)
    assert language.listen.screen == "language"
    reminders = menu.answer(more.listen, "2", replace(SIX, reminders=True))
    assert reminders.hand_off == "reminders"
    assert menu.answer(more.listen, BACK, SIX).listen == Position(MAIN, "en")


def test_text_me_on_the_main_menu_asks_first_then_texts_the_keywords_and_stays():
    offer = menu.answer(Position(MAIN, "en"), TEXT_ME, ONE)
    step = menu.answer(offer.listen, "1", ONE)

    assert offer.effect is None and ids(offer) == ["text_me.offer_menu"]
    assert step.effect == menu.TextMe("menu.main")
    assert step.listen == Position(MAIN, "en")


def test_hash_hears_the_screen_again_and_is_never_silence():
    for here in (Position(MAIN, "en"), Position("questions", "en", index=2),
                 Position("text_me:questions", "en", index=2), Position("scripts_menu", "en"),
                 Position("more", "en"),
                 Position("caregiver_confirm", "en", digits="447700900123")):
        again = menu.answer(replace(here, silences=1), REPEAT, ONE)

        assert again.listen == here and not again.hangup
        assert "voice.no_input" not in ids(again) and "voice.wrong_key" not in ids(again)


def test_a_landline_caller_is_told_at_once_instead_of_offered_a_text():
    step = menu.answer(Position("checklist", "en", index=1), TEXT_ME, replace(ONE, can_text=False))

    assert ids(step)[0] == "voice.text_not_possible" and step.effect is None
    assert step.listen == Position("checklist", "en", index=1)


@pytest.mark.parametrize("key", ["0", "x", "*7"])
def test_a_wrong_key_says_so_and_repeats_the_menu(key):
    step = menu.answer(Position(MAIN, "en"), key, ONE)

    assert ids(step) == ["voice.wrong_key", "menu.main"]
    assert step.listen == Position(MAIN, "en")


def test_zero_reaches_a_person_only_when_configured_and_open():
    assert "menu.transfer" not in ids(menu.start(ONE))
    assert "menu.transfer" in ids(menu.start(WITH_PERSON))

    assert menu.answer(Position(MAIN, "en"), PERSON, WITH_PERSON).transfer is True
    assert menu.answer(Position("questions", "en", index=3), PERSON, WITH_PERSON).transfer
    closed = menu.answer(Position(MAIN, "en"), PERSON, CLOSED)
    assert closed.transfer is False
    assert ids(closed) == ["transfer.closed", "transfer.hours", "menu.main", "menu.transfer"]


@pytest.mark.parametrize("key, index", [("1", 0), ("2", 1), ("3", 2)])
def test_the_scripts_menu_picks_a_script(key, index):
    step = menu.answer(Position("scripts_menu", "en"), key, ONE)

    assert step.listen == Position("scripts", "en", index=index)
    assert ids(step)[:2] == ["nav.script", SECTIONS["scripts"][index]]
    assert step.prompts[0].values == {"n": index + 1, "total": 3}


@pytest.mark.parametrize("section", list(SECTIONS))
def test_every_piece_offers_the_same_keys(section):
    here = Position(section, "en", index=1)

    repeat = menu.answer(here, REPEAT, ONE)
    forward = menu.answer(here, NEXT_OR_MORE, ONE)
    back = menu.answer(here, BACK, ONE)
    offer = menu.answer(here, TEXT_ME, ONE)
    text = menu.answer(offer.listen, "1", ONE)
    home = menu.answer(here, MAIN_MENU, ONE)
    slower = menu.answer(here, SLOWER, ONE)

    assert repeat.listen == here and SECTIONS[section][1] in ids(repeat)
    assert forward.listen.index == 2 or ids(forward)[0] == "nav.last"
    assert back.listen.index == 0 and SECTIONS[section][0] in ids(back)
    assert offer.effect is None and offer.listen.screen == f"text_me:{section}"
    assert text.effect == menu.TextMe(SECTIONS[section][1]) and text.listen == here
    assert home.listen == Position(MAIN, "en")
    assert slower.listen == replace(here, slow=True) and SECTIONS[section][1] in ids(slower)


def test_after_slower_the_call_stays_slow():
    slow = menu.answer(Position("questions", "en", index=1), SLOWER, ONE).listen

    on = [menu.answer(slow, NEXT_OR_MORE, ONE), menu.answer(slow, MAIN_MENU, ONE),
          menu.answer(slow, BACK, ONE), menu.answer(slow, TEXT_ME, ONE)]

    assert all(step.listen.slow for step in on)
    assert menu.from_query(menu.to_query(slow)).slow


def test_the_keys_are_heard_in_full_after_a_sections_first_piece_then_only_next():
    first = menu.answer(Position(MAIN, "en"), "2", ONE)
    second = menu.answer(first.listen, NEXT_OR_MORE, ONE)

    assert ids(first)[-2:] == ["menu.piece_keys", "menu.all_keys"]
    assert ids(second)[-1] == "menu.piece_keys" and "menu.all_keys" not in ids(second)


def test_pieces_say_where_the_caller_is():
    step = menu.answer(Position("questions", "en", index=1), NEXT_OR_MORE, ONE)

    assert step.prompts[0] == Say("nav.question", {"n": 3, "total": 10})


def test_next_after_the_last_piece_says_so_and_offers_the_keys():
    last = Position("questions", "en", index=9)

    step = menu.answer(last, NEXT_OR_MORE, ONE)

    assert ids(step) == ["nav.last", "menu.all_keys"]
    assert step.listen == last


def test_back_goes_the_way_the_caller_came():
    assert menu.answer(Position("checklist", "en", index=2), BACK, ONE).listen == Position(
        "checklist", "en", index=1)
    assert menu.answer(Position("checklist", "en"), BACK, ONE).listen == Position(MAIN, "en")
    assert menu.answer(Position("scripts", "en"), BACK, ONE).listen == Position(
        "scripts_menu", "en")
    assert menu.answer(Position("scripts_menu", "en"), BACK, ONE).listen == Position(MAIN, "en")
    assert menu.answer(Position(MAIN, "en"), BACK, SIX).listen.screen == "language"


def test_the_text_me_offer_on_the_questions_sends_one_all_ten_or_to_family():
    offer = menu.answer(Position("questions", "en", index=4), TEXT_ME, ONE)

    assert ids(offer) == ["text_me.offer_shared"]
    assert menu.answer(offer.listen, "1", ONE).effect == menu.TextMe("questions.q05")
    assert menu.answer(offer.listen, "2", ONE).effect == menu.TextMe("questions")
    family = menu.answer(offer.listen, "3", ONE)
    assert family.listen == Position("caregiver_number", "en", index=4)
    assert ids(family) == ["caregiver.ask_number"]
    for nothing in ("no", BACK, None):
        step = menu.answer(offer.listen, menu.NOT_UNDERSTOOD if nothing == "no" else nothing, ONE)
        assert step.effect is None


def test_family_is_offered_only_on_the_section_that_can_be_shared():
    offer = menu.answer(Position("checklist", "en", index=4), TEXT_ME, ONE)

    assert ids(offer) == ["text_me.offer_piece"]
    assert menu.answer(offer.listen, "2", ONE).effect == menu.TextMe("checklist")
    assert ids(menu.answer(offer.listen, "3", ONE))[0] == "voice.wrong_key"


def test_a_whatsapp_voice_note_is_offered_only_to_a_caller_known_to_use_whatsapp():
    plain = menu.answer(Position("questions", "en", index=4), TEXT_ME, ONE)
    known = menu.answer(Position("questions", "en", index=4), TEXT_ME,
                        replace(ONE, whatsapp=True))

    assert "text_me.offer_whatsapp" not in ids(plain)
    assert ids(known)[-1] == "text_me.offer_whatsapp"
    assert menu.answer(known.listen, "4", replace(ONE, whatsapp=True)).effect == (
        menu.VoiceNote("questions.q05"))
    assert menu.answer(plain.listen, "4", ONE).effect is None


def test_a_typed_number_is_read_back_digit_by_digit_in_its_groups_then_confirmed():
    typed = menu.answer(Position("caregiver_number", "en", index=4), "447700900123", ONE)
    from_uk = menu.answer(Position("caregiver_number", "en", index=4), "07700900123",
                          replace(ONE, caller_region="GB"))

    def read_back(step):
        return "".join("," if say == menu.PAUSE else say.text_id[-1]
                       for say in step.prompts[1:-1])

    assert typed.listen == Position("caregiver_confirm", "en", index=4, digits="447700900123")
    assert ids(typed)[0] == "caregiver.you_typed" and ids(typed)[-1] == "caregiver.confirm_number"
    assert read_back(typed) == "447,700,900,123"
    assert read_back(from_uk) == "07700,900123"

    confirmed = menu.answer(typed.listen, "1", ONE)
    assert confirmed.effect == menu.ShareWithCaregiver("447700900123")
    assert confirmed.listen == Position("questions", "en", index=4)

    retyped = menu.answer(typed.listen, "2", ONE)
    assert retyped.listen == Position("caregiver_number", "en", index=4)
    back = menu.answer(typed.listen, BACK, ONE)
    assert back.listen == Position("questions", "en", index=4) and back.effect is None


def test_star_while_typing_a_number_goes_back_to_the_question():
    step = menu.answer(Position("caregiver_number", "en", index=4), "*", ONE)

    assert step.listen == Position("questions", "en", index=4) and step.effect is None


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


def test_silence_after_a_piece_says_the_keys_in_full_then_goes_to_the_main_menu():
    here = Position("questions", "en", index=2)

    first = menu.answer(here, None, ONE)
    second = menu.answer(first.listen, None, ONE)
    third = menu.answer(second.listen, None, ONE)

    assert ids(first) == ["menu.piece_keys", "menu.all_keys"]
    assert first.listen.silences == 1 and SECTIONS["questions"][2] not in ids(second)
    assert third.listen == Position(MAIN, "en") and not third.hangup


def test_silence_while_typing_a_number_goes_back_to_the_question_never_ends_the_call():
    step = menu.answer(Position("caregiver_number", "en", index=3, silences=2), None, ONE)

    assert step.listen == Position("questions", "en", index=3) and not step.hangup


def test_a_key_after_a_silence_starts_the_count_again():
    quiet = menu.answer(Position(MAIN, "en"), None, ONE).listen

    pressed = menu.answer(quiet, REPEAT, ONE)

    assert pressed.listen.silences == 0


def test_a_caller_who_asks_is_remembered_and_welcomed_back_where_they_stopped():
    config = replace(ONE, can_remember=True)
    more = menu.answer(Position(MAIN, "en"), NEXT_OR_MORE, config)
    asked = menu.answer(more.listen, "4", config)
    agreed = menu.answer(asked.listen, "1", config)

    assert ids(asked) == ["remember.offer"]
    assert agreed.effect == menu.Remember() and agreed.listen.remembered
    assert menu.answer(more.listen, "4", ONE).effect is None  # a withheld number: not offered

    back = menu.start(config, Position("questions", "en", index=3, remembered=True))
    assert ids(back) == ["remember.welcome_back", "safety", "remember.choices"]
    go_on = menu.answer(back.listen, "1", config)
    assert go_on.listen == Position("questions", "en", index=3, remembered=True)
    again = menu.answer(back.listen, "2", config)
    assert again.listen == Position(MAIN, "en", remembered=True)
    forgotten = menu.answer(back.listen, "3", config)
    assert forgotten.effect == menu.Forget() and not forgotten.listen.remembered


def test_nobody_else_is_welcomed_back():
    assert menu.start(ONE, None).listen == Position(MAIN, "en")


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
        ({"s": "remember_confirm", "l": "en"}, Position(MAIN, "en")),
        ({"s": "welcome_back", "l": "en", "c": "nowhere"}, Position(MAIN, "en")),
        ({}, Position(MAIN, "en")),
    ],
)
def test_a_stale_or_forged_position_is_made_safe(query, expected):
    assert menu.normalise(menu.from_query(query), ONE) == expected


def test_a_position_survives_the_round_trip_through_a_url_but_typed_digits_never_ride_in_it():
    here = Position("caregiver_confirm", "es", index=4, silences=1, digits="447700900123",
                    slow=True, remembered=True)

    query = menu.to_query(here)

    assert "447700900123" not in "".join(query.values())
    assert menu.from_query(query) == replace(here, digits="")
    assert menu.from_query({**query, "d": "447700900123"}).digits == ""  # a forged plain d


def _walk(config: menu.MenuConfig) -> set[Position]:
    """Every screen a caller can reach from the start, by any key or silence."""
    seen: set[Position] = set()
    todo = [menu.start(config).listen]
    while todo:
        here = todo.pop()
        if here is None or here in seen:
            continue
        seen.add(here)
        for key in [*"0123456789*#", None, "447700900123"]:
            step = menu.answer(here, key, config)
            if step.listen is not None:
                todo.append(replace(step.listen, silences=0))
    return seen


FULL = replace(SIX, transfer_available=True, transfer_open=False, can_remember=True,
               reminders=True, whatsapp=True)


def test_the_menu_graph_has_one_key_map_on_every_screen():
    """Walk every screen a call can reach: each navigation key means the same everywhere it
    is kept, and no screen is a dead end."""
    screens = _walk(FULL)
    assert {"language", "main", "more", "scripts_menu", "text_me:questions", "caregiver_number",
            "caregiver_confirm", "remember_confirm", "faq"} <= {p.screen for p in screens}
    yes_no = {"caregiver_confirm", "remember_confirm", "welcome_back"}
    for here in screens:
        if here.screen in ("language", "caregiver_number"):
            continue
        repeat = menu.answer(here, REPEAT, FULL)
        assert repeat.listen == here, here
        back = menu.answer(here, BACK, FULL)
        assert back.listen != here and back.effect is None, here
        if here.screen in yes_no:
            assert ids(menu.answer(here, MAIN_MENU, FULL))[0] == "voice.wrong_key", here
            continue
        assert menu.answer(here, MAIN_MENU, FULL).listen.screen == MAIN, here
        assert menu.answer(here, SLOWER, FULL).listen == replace(here, slow=True), here
        closed = menu.answer(here, PERSON, FULL)
        assert ids(closed)[0] == "transfer.closed" and closed.listen == here, here
        offer = menu.answer(here, TEXT_ME, FULL)
        assert offer.listen.screen.startswith("text_me:") and offer.effect is None, here
        for key in [*"0123456789*#", None, "99"]:
            step = menu.answer(here, key, FULL)
            assert step.prompts or step.hand_off, (here, key)
            assert step.listen is not None or step.hangup or step.transfer or step.hand_off
