"""Properties of the pure modules, for any input Hypothesis can think of.

Table tests next to each module show the cases we thought of; these show that keyword matching,
SMS segment counting, splitting and the phone menu hold for the ones we did not. Twilio's own
segment vectors are checked case by case in tests/sms/test_segments.py.
"""

from __future__ import annotations

import math
from collections import deque
from functools import cache
from pathlib import Path

from hypothesis import assume, given
from hypothesis import strategies as st

from helpline.content.loader import load_content
from helpline.core import menu
from helpline.core.keywords import TWILIO_RESERVED, Intent, KeywordTable, normalise
from helpline.core.segments import GSM7, GSM7_EXTENSION, GSM7_SEPTETS, UCS2, analyse, split_segments
from helpline.core.split import split_message

REPO = Path(__file__).resolve().parents[2]
LANGUAGES = ("en", "zh", "es", "ar", "ru", "fr")


@cache
def shipped_content():
    return load_content(REPO / "scripts_content", LANGUAGES)


@cache
def keyword_table() -> KeywordTable:
    return KeywordTable.from_content(shipped_content())


#: Text a texter might send, and text nobody would: every script, emoji, controls, surrogates.
GSM_TEXT = st.text(alphabet=st.sampled_from(sorted(GSM7_SEPTETS)), max_size=600)
ANY_TEXT = st.text(max_size=300) | st.text(
    alphabet=st.characters(codec="utf-8"), max_size=300
) | st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=80)
MESSY_TEXT = ANY_TEXT | GSM_TEXT


# --- keywords ---------------------------------------------------------------------------------


@given(MESSY_TEXT)
def test_normalising_twice_changes_nothing(text):
    once = normalise(text)

    assert normalise(once) == once
    assert once == once.strip() and "  " not in once


@given(MESSY_TEXT, st.sampled_from([None, *LANGUAGES]),
       st.sampled_from([None, {"repeat", "next", "previous", "text_me", "menu"}, {"language"}]))
def test_any_message_has_an_intent(text, prefer, allowed):
    intent = keyword_table().match(text, allowed, prefer=prefer)

    assert isinstance(intent, Intent) and isinstance(intent.name, str)
    if allowed is not None:
        assert intent.name in allowed | {"unknown"}


@given(
    st.sampled_from(TWILIO_RESERVED["opt_out"]),
    st.lists(st.booleans(), min_size=12, max_size=12),
    st.sampled_from(["", " ", "!", "!!", ".", "\n", "  \t", "?", "🙏", "\u200b"]),
    st.sampled_from(["", " ", "\n", "\u00a0", "¡", "*"]),
    st.sampled_from([None, *LANGUAGES]),
)
def test_a_stop_word_in_any_case_or_dress_opts_out(word, upper, after, before, prefer):
    dressed = before + "".join(c.upper() if u else c.lower()
                               for c, u in zip(word, upper, strict=False)) + after

    assert keyword_table().match(dressed, prefer=prefer).name == "opt_out"


# --- segments ---------------------------------------------------------------------------------


def naive_segments(text: str) -> int:
    """The fewest segments the text can possibly take: units over room, no atom kept whole."""
    if all(ch in GSM7_SEPTETS for ch in text):
        units, single, part = sum(len(GSM7_SEPTETS[ch]) for ch in text), 160, 153
    else:
        units, single, part = len(text.encode("utf-16-le")) // 2, 70, 67
    return 1 if units <= single else math.ceil(units / part)


def units_of(text: str, encoding: str) -> int:
    if encoding == GSM7:
        return sum(len(GSM7_SEPTETS[ch]) for ch in text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


#: GSM-7 text with escapes, accents, CJK, emoji, skin tones, flags and combining marks mixed in.
SEGMENT_PIECE = st.sampled_from(sorted(GSM7_SEPTETS)) | st.sampled_from(
    sorted(GSM7_EXTENSION) + ["é", "ç", "你", "好", "😀", "👍🏽", "🇬🇧", "e\u0301", "’", "👨‍👩‍👧"])
SEGMENT_TEXT = GSM_TEXT | st.lists(SEGMENT_PIECE, max_size=300).map("".join) | st.text(
    alphabet=st.characters(codec="utf-8"), max_size=300)


@given(SEGMENT_TEXT)
def test_segments_never_undercount_and_each_fits(text):
    info = analyse(text)
    segments = split_segments(text)

    assert info.segments >= naive_segments(text)
    assert info.encoding == (GSM7 if all(ch in GSM7_SEPTETS for ch in text) else UCS2)
    assert "".join(segments) == text and len(segments) == info.segments
    single, part = (160, 153) if info.encoding == GSM7 else (70, 67)
    limit = single if len(segments) == 1 else part
    assert all(units_of(segment, info.encoding) <= limit for segment in segments)


@given(SEGMENT_TEXT, SEGMENT_TEXT)
def test_a_longer_message_never_costs_less(text, more):
    assume(analyse(text).encoding == analyse(text + more).encoding)

    assert analyse(text + more).segments >= analyse(text).segments


# --- splitting --------------------------------------------------------------------------------

ITEM = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=700
).filter(lambda t: t.strip() != "")


def strip_label(part: str, n: int, total: int) -> str:
    label = f"({n}/{total}) "
    assert part.startswith(label), part[:20]
    return part[len(label):]


@given(st.lists(ITEM, min_size=1, max_size=25), st.integers(min_value=40, max_value=1600))
def test_splitting_keeps_items_whole_and_joins_back(items, soft):
    parts = split_message(items, soft_limit=soft)

    assert all(len(part) <= 1600 for part in parts)
    bodies = parts if len(parts) == 1 else [strip_label(p, n, len(parts))
                                            for n, p in enumerate(parts, 1)]
    assert "\n".join(bodies) == "\n".join(items)
    # Every item lies inside one part: the part boundaries are item boundaries.
    position, boundaries = 0, {0}
    for item in items:
        position += len(item) + 1
        boundaries.add(position)
    position = 0
    for body in bodies:
        assert position in boundaries
        position += len(body) + 1


@given(st.lists(st.text(alphabet=st.sampled_from("ab .é你😀\n"), min_size=1, max_size=5000),
                min_size=1, max_size=4))
def test_an_item_too_long_for_one_part_is_cut_between_words_and_nothing_is_lost(items):
    parts = split_message(items)

    assert all(len(part) <= 1600 for part in parts)
    bodies = parts if len(parts) == 1 else [strip_label(p, n, len(parts))
                                            for n, p in enumerate(parts, 1)]
    assert "".join("".join(bodies).split()) == "".join("".join(items).split())


# --- the phone menu ---------------------------------------------------------------------------


def menu_configs() -> st.SearchStrategy[menu.MenuConfig]:
    content = shipped_content()
    return st.builds(
        menu.MenuConfig,
        languages=st.sampled_from([("en",), LANGUAGES, ("es", "en")]),
        catalogue=st.just(content.catalogue),
        sections=st.just(content.section_items()),
        transfer_available=st.booleans(),
        transfer_open=st.booleans(),
    )


KEYS = st.one_of(
    # "²" is a digit to str.isdigit() but not to int(): it once crashed the menu.
    st.none(), st.sampled_from([*"0123456789*#", "", "?", "²", "١", "３"]),
    st.text(alphabet="0123456789*#", min_size=2, max_size=20), st.text(max_size=5),
)
MAIN_KEYS_EVERYWHERE = ("*", "2", "#", None)


def way_back_to_main(position: menu.Position, config: menu.MenuConfig) -> bool:
    """Some key presses (at most four) take the caller from ``position`` to the main menu."""
    frontier = deque([(position, 0)])
    while frontier:
        here, depth = frontier.popleft()
        if here.screen == menu.MAIN:
            return True
        if depth == 4:
            continue
        for key in ("*", "1", "2"):
            step = menu.answer(here, key, config)
            if step.listen is not None:
                frontier.append((step.listen, depth + 1))
    return False


def check_step(step: menu.Step, config: menu.MenuConfig) -> None:
    assert step.prompts, "dead air"
    if step.listen is None:
        assert step.hangup or step.transfer, "the call falls off the end"
        if step.transfer:
            assert config.transfer_available and config.transfer_open
        return
    assert way_back_to_main(step.listen, config), step.listen
    # Every screen shows its words again: nothing a caller hears depends on what came before.
    menu.replay(step.listen, config)


@given(menu_configs(), st.lists(KEYS, max_size=40))
def test_the_menu_has_no_dead_end_for_any_key_sequence(config, keys):
    step = menu.start(config)
    check_step(step, config)
    for key in keys:
        if step.listen is None:
            step = menu.start(config)  # the caller rings again
        step = menu.answer(step.listen, key, config)
        check_step(step, config)


@given(menu_configs(), st.dictionaries(st.sampled_from(["s", "l", "i", "r", "d", "x"]),
                                       st.text(max_size=30), max_size=6), KEYS)
def test_a_forged_or_stale_url_still_lands_somewhere_sensible(config, query, key):
    position = menu.normalise(menu.from_query(query), config)

    assert position.language in config.languages
    assert menu.to_query(position)["s"] == position.screen
    check_step(menu.answer(position, key, config), config)
    check_step(menu.replay(position, config), config)
