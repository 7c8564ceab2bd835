"""The Flesch-Kincaid grade, counted offline: short plain sentences score low, long ones high."""

from __future__ import annotations

import pytest

from helpline.core.readability import (
    dale_chall_score,
    familiar,
    flesch_kincaid_grade,
    sentence_count,
    sentences,
    syllable_count,
    unfamiliar_words,
    words,
)


@pytest.mark.parametrize("word, syllables", [("cat", 1), ("doctor", 2), ("opinion", 3),
                                             ("pathology", 4), ("oncologist", 4),
                                             ("zorblaxian", 4)])  # not in the dictionary
def test_it_counts_syllables_from_the_dictionary_then_hyphenation(word, syllables):
    assert syllable_count(word) == syllables


def test_contractions_are_one_word_and_fragments_are_no_sentence():
    assert words("You're not alone - it's 'normal'.") == ["You're", "not", "alone", "it's",
                                                          "normal"]
    assert sentence_count("Yes. Ask your doctor for a copy of the report.") == 1


def test_the_grade_follows_the_formula():
    # 8 words, 1 sentence, 11 syllables (ask your doc-tor for a co-py please to-day)
    text = "Ask your doctor for a copy, please, today."
    assert flesch_kincaid_grade(text) == pytest.approx(0.39 * 8 + 11.8 * 11 / 8 - 15.59)


def test_plain_words_score_lower_than_dense_ones():
    plain = "You can ask for a second look. It is your right. Your doctor will not mind."
    dense = ("Multidisciplinary consultation regarding histopathological classification "
             "facilitates individualised therapeutic decision-making.")
    assert flesch_kincaid_grade(plain) < 3 < 12 < flesch_kincaid_grade(dense)
    assert flesch_kincaid_grade("") == 0.0


def test_sentences_are_graded_one_by_one():
    from helpline.core.checks import hardest_sentence

    text = ("Ask for your records early. Your records may call them molecular, genomic or "
            "biomarker tests. Keep a copy.")
    assert sentences(text)[1].startswith("Your records may call them")
    grade, sentence = hardest_sentence(text)
    # The text's average passes grade 7; its second sentence alone does not.
    assert flesch_kincaid_grade(text) < 7 < grade
    assert sentence.startswith("Your records may call them")


def test_familiar_words_come_from_the_dale_chall_list_with_their_regular_forms():
    assert familiar("doctor") and familiar("doctors") and familiar("asked")
    assert familiar("stopped") and familiar("families") and familiar("10")
    assert not familiar("genomic") and not familiar("biomarker") and not familiar("diagnosis")


def test_the_dale_chall_score_follows_the_formula():
    plain = "Ask the man for a book. He will give it to you."
    assert dale_chall_score(plain) == pytest.approx(0.0496 * 12 / 2)  # no unfamiliar word
    dense = "Biomarker genomic molecular results guide oncology."
    percent = 100 * len(unfamiliar_words(dense)) / 6
    assert percent > 5
    assert dale_chall_score(dense) == pytest.approx(0.1579 * percent + 0.0496 * 6 + 3.6365)
    assert dale_chall_score("") == 0.0
