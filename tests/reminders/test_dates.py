"""Each language's ways of writing an appointment date, read in the texter's country's order;
what cannot be read for sure is asked back."""

from __future__ import annotations

from datetime import date

import pytest

from helpline.core.reminder_dates import (
    AMBIGUOUS,
    PAST,
    TOO_FAR,
    UNREADABLE,
    day_order,
    read_date,
)

TODAY = date(2027, 3, 1)
MARCH_14 = date(2027, 3, 14)


@pytest.mark.parametrize(("text", "language", "region", "expected"), [
    # English, day first (UK) and month first (US)
    ("14 March", "en", "GB", MARCH_14),
    ("March 14", "en", "US", MARCH_14),
    ("14 mar", "en", "GB", MARCH_14),
    ("14/3", "en", "GB", MARCH_14),
    ("3/14", "en", "US", MARCH_14),
    ("14/3", "en", "US", MARCH_14),           # only one reading exists
    ("4/3", "en", "GB", date(2027, 3, 4)),    # the UK writes the day first
    ("4/3", "en", "US", date(2027, 4, 3)),    # the US writes the month first
    ("14/03/2027", "en", "GB", MARCH_14),
    ("2027-03-14", "en", "US", MARCH_14),     # ISO reads the same everywhere
    ("in 10 days", "en", "GB", date(2027, 3, 11)),
    ("tomorrow", "en", "GB", date(2027, 3, 2)),
    ("1 Feb", "en", "GB", date(2028, 2, 1)),  # no year: the next 1 February
    # Spanish
    ("14 marzo", "es", "ES", MARCH_14),
    ("14 de marzo", "es", "MX", MARCH_14),
    ("14/3", "es", "ES", MARCH_14),
    ("en 10 días", "es", "ES", date(2027, 3, 11)),
    # French
    ("14 mars", "fr", "FR", MARCH_14),
    ("14.03", "fr", "FR", MARCH_14),
    ("dans 10 jours", "fr", "FR", date(2027, 3, 11)),
    # Chinese: month first, with or without the year
    ("3月14日", "zh", "CN", MARCH_14),
    ("3月14号", "zh", "CN", MARCH_14),
    ("2027年3月14日", "zh", "CN", MARCH_14),
    ("3/14", "zh", "CN", MARCH_14),
    ("10天后", "zh", "CN", date(2027, 3, 11)),
    # Russian
    ("14 марта", "ru", "RU", MARCH_14),
    ("14.03.2027", "ru", "RU", MARCH_14),
    ("через 10 дней", "ru", "RU", date(2027, 3, 11)),
    # Arabic, with Western or Arabic-Indic digits
    ("14 مارس", "ar", "EG", MARCH_14),
    ("١٤ مارس", "ar", "SA", MARCH_14),
    ("بعد 10 أيام", "ar", "EG", date(2027, 3, 11)),
    ("14/3", "ar", "EG", MARCH_14),
])
def test_it_reads_each_languages_date_forms(text, language, region, expected):
    reading = read_date(text, language, region, TODAY)
    assert (reading.day, reading.problem) == (expected, None)


@pytest.mark.parametrize(("text", "language", "region", "problem"), [
    ("4/3", "en", "CA", AMBIGUOUS),      # Canada writes both orders
    ("4/3", "fr", None, AMBIGUOUS),      # a number of no known country
    ("2/5", "en", "CA", AMBIGUOUS),
    ("yesterday", "en", "GB", PAST),
    ("2027-02-20", "en", "GB", PAST),
    ("14 March 2029", "en", "GB", TOO_FAR),
    ("banana", "en", "GB", UNREADABLE),
    ("31/2", "en", "GB", UNREADABLE),
    ("13/13", "en", "GB", UNREADABLE),
    ("", "en", "GB", UNREADABLE),
    ("12", "en", "GB", UNREADABLE),      # a day without a month
])
def test_what_cannot_be_used_is_asked_back(text, language, region, problem):
    assert read_date(text, language, region, TODAY).problem == problem


def test_the_same_day_twice_is_not_ambiguous():
    assert read_date("5/5", "en", "CA", TODAY).day == date(2027, 5, 5)


def test_today_is_allowed_and_a_year_ahead_is_the_limit():
    assert read_date("1 March", "en", "GB", TODAY).day == TODAY
    assert read_date("2028-02-29", "en", "GB", TODAY).problem is None
    assert read_date("2028-03-02", "en", "GB", TODAY).problem == TOO_FAR


@pytest.mark.parametrize(("region", "order"), [
    ("GB", "DMY"), ("FR", "DMY"), ("US", "MDY"), ("CN", "YMD"), ("CA", "either"),
    (None, "either")])
def test_each_country_has_its_order(region, order):
    assert day_order(region) == order
