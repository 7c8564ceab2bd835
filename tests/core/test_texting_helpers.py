"""The pure helpers behind texting in small pieces: places, SHARE as written, discreet lines."""

from __future__ import annotations

import pytest

from helpline.core.discreet import discreet, names_subject
from helpline.core.pieces import Place, fits
from helpline.core.privacy import shown_to_sender
from helpline.core.share_request import example_number, is_example, read_share

LANGUAGE_NAMES = {"zh": "zh", "中文": "zh", "en francais": "fr", "francais": "fr"}


@pytest.mark.parametrize("stored, place", [
    ("questions:4:zh", Place("questions", 4, "zh")),
    ("checklist:0:", Place("checklist", 0, "")),
    ("menu", None), (None, None), ("", None), ("questions:x:", None), (":3:", None),
])
def test_a_stored_place_reads_back_or_is_ignored_when_malformed(stored, place):
    assert Place.decode(stored) == place
    if place is not None:
        assert Place.decode(place.encode()) == place


@pytest.mark.parametrize("text, fits_budget", [
    ("x" * 459, True), ("x" * 460, False),  # 3 GSM-7 segments of 153
    ("問" * 268, True), ("問" * 269, False),  # 4 UCS-2 segments of 67
])
def test_the_budget_is_three_gsm7_or_four_ucs2_segments(text, fits_budget):
    assert fits(text) is fits_budget


@pytest.mark.parametrize("argument, typed, language", [
    ("07911123410 please", "07911123410", None),
    ("07400 123 456 please", "07400 123 456", None),
    ("+44 7400 123456 thank you", "+44 7400 123456", None),
    ("to my son Tom on 07400 123456", "07400 123456", None),
    ("+44 7400 123 456 ZH", "+44 7400 123 456", "zh"),
    ("07400 123456 中文", "07400 123456", "zh"),
    ("07400 123456 en français", "07400 123456", "fr"),
    ("my doctor", "", None),
    ("12", "", None),
])
def test_share_finds_the_number_among_other_words(argument, typed, language):
    found = read_share(argument, lambda text: LANGUAGE_NAMES.get(text))

    assert (found.typed, found.language) == (typed, language)


@pytest.mark.parametrize("sender, shown", [
    ("+447400123001", "07700 900123"),
    ("+12025550123", "(201) 555-0123"),
    ("+14165550123", "(201) 555-0123"),
    ("+33612345678", "+44 7700 900123"),
    (None, "+44 7700 900123"),
])
def test_the_example_is_fictional_and_in_the_senders_format(sender, shown):
    assert example_number(sender) == shown


@pytest.mark.parametrize("e164, example", [
    ("+447700900123", True), ("+12015550123", True), ("+447400123456", False), (None, False),
])
def test_sending_to_the_example_is_recognised(e164, example):
    assert is_example(e164) is example


@pytest.mark.parametrize("e164, shown", [
    ("+447400123456", "+44 *** 456"), ("+8613812345678", "+86 *** 678"),
    ("+12025550123", "+1 *** 123"),
])
def test_a_shared_number_is_shown_back_masked(e164, shown):
    assert shown_to_sender(e164) == shown


@pytest.mark.parametrize("line, named", [
    ("10 QUESTIONS to ask at your second opinion visit.", True),
    ("Cancer care in China", True),
    ("Hello, here is your text.", False),
    ("Records to get", False),
    ("Нас попросили прислать вам 10 вопросов при раке", True),
    ("听取癌症第二诊疗意见时要问的10个问题", True),
    ("您好，这是您要的短信。", False),
])
def test_a_first_line_names_the_subject_when_it_holds_a_sensitive_word(line, named):
    sensitive = ["cancer", "second opinion", "раке", "癌"]

    assert names_subject(line, sensitive) is named


def test_only_messages_that_name_the_subject_get_the_neutral_first_line():
    messages = ["Cancer care\nmore", "Text one word:\nMENU"]

    assert discreet(messages, ["cancer"], "Hello.") == ["Hello.\nCancer care\nmore",
                                                         "Text one word:\nMENU"]
