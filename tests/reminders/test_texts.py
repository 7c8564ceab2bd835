"""Reminder texts in every language: a date reads back in the language's own words, and no
reminder's first line names cancer (it may arrive on a shared phone)."""

from __future__ import annotations

from datetime import date

import pytest

from helpline.config import PROJECT_ROOT, load_settings
from helpline.content import SMS, load_content
from helpline.core.prompts import deployment_values
from helpline.outbound.reminders import OPENING, _names, date_words

LANGUAGES = ["en", "es", "fr", "ar", "ru", "zh"]
CONTENT = load_content(PROJECT_ROOT / "scripts_content", LANGUAGES)
VALUES = deployment_values(load_settings({}, {}))
CANCER = {"en": "cancer", "es": "cáncer", "fr": "cancer", "ar": "سرطان", "ru": "рак",
          "zh": "癌"}


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Sunday 14 March"), ("es", "domingo 14 de marzo"), ("fr", "dimanche 14 mars"),
    ("ru", "воскресенье, 14 марта"), ("ar", "الأحد 14 مارس"), ("zh", "3月14日（周日）"),
])
def test_a_date_reads_back_in_each_language(language, expected):
    assert date_words(CONTENT.pack(language), date(2027, 3, 14), VALUES) == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_names_twelve_months_and_seven_days(language):
    pack = CONTENT.pack(language)
    assert len(_names(pack.render("reminder.months", SMS, VALUES))) == 12
    assert len(_names(pack.render("reminder.weekdays", SMS, VALUES))) == 7


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("text_id", sorted(set(OPENING.values())))
def test_no_reminder_opens_by_naming_cancer(language, text_id):
    pack = CONTENT.pack(language)
    words = pack.render(text_id, SMS, {**VALUES, "date": "14/3"})
    first_line = words.split("\n")[0].lower()
    assert CANCER[language] not in first_line
