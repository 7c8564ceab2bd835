"""The Flesch-Kincaid grade, counted offline: short plain sentences score low, long ones high."""

from __future__ import annotations

import pytest

from helpline.core.readability import flesch_kincaid_grade, sentence_count, syllable_count, words


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
