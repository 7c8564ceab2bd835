"""Long content split into numbered SMS parts, between items, within Twilio's limits."""

from __future__ import annotations

import re

import pytest

from helpline.core.split import parts_cost, split_message

LABEL = re.compile(r"^\((\d+)/(\d+)\) ")

CHECKLIST = [
    "RECORDS TO GATHER for a second opinion. Ask your hospital for copies of each one.",
    "1. Pathology reports, and the slides or tissue blocks. They show what kind of cancer it "
    "is. Ask the lab to send the slides to the new doctor.",
    "2. Scans and their reports (CT, MRI, PET, X-ray). Ask for the image files on a disc or a "
    "link, not only the written report.",
    "3. Notes from any surgery. They say what the surgeon saw and took out. Ask the surgery "
    "team or the records office.",
    "4. A summary of each treatment you have had, with dates and doses. Ask your cancer "
    "doctor's office.",
    "5. Results of any gene or marker tests on the cancer. They can open up other treatments. "
    "Ask for the full results.",
    "6. A list of all the medicines you take, with the dose. Include vitamins and herbs.",
]

QUESTIONS = ["10 QUESTIONS to ask at your second opinion visit:"] + [
    f"{n}. " + "Is this a question about my care that I should ask? " * 2 for n in range(1, 11)
]


def _strip(parts: list[str]) -> list[str]:
    if len(parts) == 1:
        return parts
    return [LABEL.sub("", part, count=1) for part in parts]


# (items, soft_limit, hard_limit, separator)
ROUND_TRIPS = [
    pytest.param(CHECKLIST, 320, 1600, "\n", id="checklist"),
    pytest.param(QUESTIONS, 320, 1600, "\n", id="ten-questions"),
    pytest.param(CHECKLIST, 160, 1600, "\n\n", id="one-segment-parts-blank-line"),
    pytest.param(["a" * 300] * 5, 320, 1600, "\n", id="items-near-soft-limit"),
    pytest.param(["x" * 50] * 400, 60, 100, "\n", id="hundreds-of-parts"),
    pytest.param(["short", "x" * 900, "short"], 320, 1600, "\n", id="one-item-over-soft"),
    pytest.param(["", "a", ""], 320, 1600, "\n", id="empty-items"),
    pytest.param(["Привет, это список.", "问题清单。"] * 40, 120, 400, " ", id="non-latin"),
]


@pytest.mark.parametrize(("items", "soft", "hard", "separator"), ROUND_TRIPS)
def test_it_gives_back_exactly_the_joined_items(
    items: list[str], soft: int, hard: int, separator: str
) -> None:
    parts = split_message(items, soft_limit=soft, hard_limit=hard, separator=separator)
    assert separator.join(_strip(parts)) == separator.join(items)


@pytest.mark.parametrize(("items", "soft", "hard", "separator"), ROUND_TRIPS)
def test_it_keeps_every_part_within_the_limits(
    items: list[str], soft: int, hard: int, separator: str
) -> None:
    parts = split_message(items, soft_limit=soft, hard_limit=hard, separator=separator)
    assert all(len(part) <= hard for part in parts)
    for part, body in zip(parts, _strip(parts), strict=True):
        # Over the soft limit only when one item alone is that long.
        assert len(part) <= soft or body in items


@pytest.mark.parametrize(("items", "soft", "hard", "separator"), ROUND_TRIPS)
def test_it_never_cuts_an_item_that_fits(
    items: list[str], soft: int, hard: int, separator: str
) -> None:
    bodies = _strip(split_message(items, soft_limit=soft, hard_limit=hard, separator=separator))
    # Each part is a run of whole items, in order.
    start = 0
    for body in bodies:
        end = next(
            end
            for end in range(start + 1, len(items) + 1)
            if separator.join(items[start:end]) == body
        )
        start = end
    assert start == len(items)


@pytest.mark.parametrize(("items", "soft", "hard", "separator"), ROUND_TRIPS)
def test_it_numbers_the_parts_in_order(
    items: list[str], soft: int, hard: int, separator: str
) -> None:
    parts = split_message(items, soft_limit=soft, hard_limit=hard, separator=separator)
    if len(parts) == 1:
        assert not LABEL.match(parts[0])
        return
    labels = [LABEL.match(part) for part in parts]
    assert all(labels)
    assert [(int(m[1]), int(m[2])) for m in labels if m] == [
        (n, len(parts)) for n in range(1, len(parts) + 1)
    ]


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], []),
        (["CHECKLIST - records to gather."], ["CHECKLIST - records to gather."]),
        (["one", "two"], ["one\ntwo"]),
        (["a" * 200, "b" * 200], ["(1/2) " + "a" * 200, "(2/2) " + "b" * 200]),
        (["a" * 100, "b" * 100, "c" * 300], ["(1/2) " + "a" * 100 + "\n" + "b" * 100,
                                             "(2/2) " + "c" * 300]),
        (["x" * 1600], ["x" * 1600]),
    ],
    ids=["nothing", "one-item", "two-short-items", "two-long-items", "fills-before-moving-on",
         "single-item-at-hard-limit-needs-no-label"],
)
def test_it_splits_between_items(items: list[str], expected: list[str]) -> None:
    assert split_message(items) == expected


@pytest.mark.parametrize(
    ("item", "pieces"),
    [
        (
            "First sentence here. " * 100,
            ["(1/2) " + ("First sentence here. " * 75).rstrip(),
             "(2/2) " + "First sentence here. " * 25],
        ),
        (
            "word " * 400,
            ["(1/2) " + ("word " * 319).rstrip(), "(2/2) " + "word " * 81],
        ),
        ("x" * 2000, ["(1/2) " + "x" * 1594, "(2/2) " + "x" * 406]),
    ],
    ids=["at-a-sentence-end", "at-a-space", "no-space-at-all"],
)
def test_it_cuts_an_item_over_the_hard_limit_only_at_a_boundary(
    item: str, pieces: list[str]
) -> None:
    parts = split_message([item])
    assert parts == pieces
    assert all(len(part) <= 1600 for part in parts)


@pytest.mark.parametrize(
    ("label", "first_prefix"),
    [
        ("({n}/{total})", "(1/12) "),
        ("[{n} of {total}]", "[1 of 12] "),
        ("Part {n}:", "Part 1: "),
    ],
    ids=["default", "words", "no-total"],
)
def test_it_fills_in_the_label_with_room_for_the_widest_number(
    label: str, first_prefix: str
) -> None:
    parts = split_message(["y" * 139] * 12, label, soft_limit=150, hard_limit=150)
    assert len(parts) == 12
    assert parts[0].startswith(first_prefix)
    assert all(len(part) <= 150 for part in parts)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"soft_limit": 0}, "soft_limit"),
        ({"soft_limit": 400, "hard_limit": 300}, "soft_limit"),
        ({"part_label": "({page})"}, "part label"),
    ],
    ids=["zero-soft-limit", "soft-over-hard", "unknown-placeholder"],
)
def test_it_refuses_settings_that_cannot_work(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        split_message(["hello"], **kwargs)


@pytest.mark.parametrize(
    ("parts", "segments"),
    [
        ([], 0),
        (["hello"], 1),
        (["a" * 160, "b" * 161], 3),
        (["(1/2) It’s here", "(2/2) plain"], 2),
        (["问" * 71], 2),
    ],
    ids=["none", "one", "gsm7-boundary", "ucs2-part", "chinese-two-segments"],
)
def test_it_prices_the_parts_in_segments(parts: list[str], segments: int) -> None:
    assert parts_cost(parts) == segments


def test_it_keeps_the_english_checklist_to_a_few_cheap_parts() -> None:
    parts = split_message(CHECKLIST)
    assert len(parts) == 3
    assert parts_cost(parts) == 6
