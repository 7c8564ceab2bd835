"""Editorial checks on top of the loader: reading level and what each SMS text costs to send.

The loader refuses content the helpline cannot run with; these checks hold the content to the
standard a caller deserves (plain words, cheap texts) and feed ``helpline content check``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from ..content import LanguagePack, Problem
from ..content.alphabet import to_gsm7
from ..content.model import CHANNELS, ECONOMY, SMS
from .readability import (
    dale_chall_score,
    flesch_kincaid_grade,
    sentences,
    unfamiliar_words,
)
from .readability import words as plain_words
from .segments import analyse

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？；؟])")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@dataclass
class TextReport:
    """The measurements of one text, one row of the check's table."""

    id: str
    channel: str
    reading: str = ""
    sms_encoding: str = ""
    sms_length: int = 0
    sms_segments: int = 0
    ucs2_characters: str = ""
    status: str = "ok"


@dataclass
class LanguageReport:
    code: str
    name: str
    file: str
    texts: list[TextReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def _plain(words: str) -> str:
    """Placeholders read as a short word, so they neither help nor hurt a reading score."""
    return _PLACEHOLDER.sub("it", words)


def reading_grade(words: str) -> float:
    return flesch_kincaid_grade(_plain(words))


def longest_sentence(words: str) -> tuple[int, int]:
    """(words, characters) in the longest sentence, for languages without a grade formula."""
    sentences = [s for s in _SENTENCE_END.split(_plain(words)) if s.strip()]
    return (
        max((len(s.split()) for s in sentences), default=0),
        max((len(s.strip()) for s in sentences), default=0),
    )


def _check_reading(pack: LanguagePack, row: TextReport, words: str, out: list[Problem]) -> None:
    meta, exempt = pack.meta, pack.readability_exempt.get(row.id)
    where = f"{row.id} ({row.channel})"
    line = pack.texts[row.id].line
    if meta.max_reading_grade is not None:
        grade = reading_grade(words)
        row.reading = f"grade {grade:.1f}"
        if grade > meta.max_reading_grade and not exempt:
            row.status = "too hard"
            out.append(
                Problem(
                    pack.path,
                    where,
                    f"reads at grade {grade:.1f}; the limit is {meta.max_reading_grade:g}.",
                    "Use shorter sentences and everyday words, or exempt the id under "
                    "readability_exempt: with a reason.",
                    line,
                )
            )
    _check_sentences(pack, row, words, exempt, out)
    if meta.max_sentence_words is not None or meta.max_sentence_chars is not None:
        n_words, n_chars = longest_sentence(words)
        if meta.max_sentence_chars is not None:
            row.reading = f"{n_chars} chars/sentence"
            too_long = n_chars > meta.max_sentence_chars
            limit = f"{meta.max_sentence_chars} characters"
        else:
            row.reading = f"{n_words} words/sentence"
            too_long = n_words > (meta.max_sentence_words or 0)
            limit = f"{meta.max_sentence_words} words"
        if too_long and not exempt:
            row.status = "too hard"
            out.append(
                Problem(
                    pack.path,
                    where,
                    f"has a sentence longer than {limit}.",
                    "Split it into shorter sentences a listener can follow in one hearing.",
                    line,
                )
            )
    if exempt:
        row.status = "exempt"


#: Shorter sentences are not graded alone: with so few words the syllable term decides the grade
#: ("We share information." would be grade 9.2).
MIN_GRADED_SENTENCE_WORDS = 6
#: Shorter texts get no Dale-Chall score: the formula is made for samples of 100 words, and in a
#: menu of twenty words one word ("press") moves it by a point.
MIN_DALE_CHALL_WORDS = 40


def hardest_sentence(words: str) -> tuple[float, str]:
    """The grade and words of a text's hardest sentence (an average hides one hard sentence)."""
    graded = [(flesch_kincaid_grade(s), s) for s in sentences(_plain(words))
              if len(plain_words(s)) >= MIN_GRADED_SENTENCE_WORDS]
    return max(graded, default=(0.0, ""))


def _check_sentences(pack: LanguagePack, row: TextReport, words: str, exempt: object,
                     out: list[Problem]) -> None:
    meta, where, line = pack.meta, f"{row.id} ({row.channel})", pack.texts[row.id].line
    if meta.max_sentence_grade is not None:
        grade, sentence = hardest_sentence(words)
        row.reading += f", hardest sentence {grade:.1f}"
        if grade > meta.max_sentence_grade and not exempt:
            row.status = "too hard"
            out.append(Problem(
                pack.path, where,
                f"has a sentence at grade {grade:.1f} (the limit is {meta.max_sentence_grade:g}): "
                f"{sentence!r}.",
                "Split it, or use shorter everyday words.", line))
    if meta.max_dale_chall is not None and len(plain_words(words)) >= MIN_DALE_CHALL_WORDS:
        score = dale_chall_score(_plain(words))
        row.reading += f", Dale-Chall {score:.1f}"
        if score > meta.max_dale_chall and not exempt:
            row.status = "too hard"
            hard = ", ".join(dict.fromkeys(w.lower() for w in unfamiliar_words(_plain(words))))
            out.append(Problem(
                pack.path, where,
                f"has a Dale-Chall score of {score:.1f} (the limit is {meta.max_dale_chall:g}); "
                f"its less familiar words: {hard}.",
                "Use more everyday words, or explain a hard word in plain ones.", line))


def _check_sms(pack: LanguagePack, row: TextReport, words: str, out: list[Problem]) -> None:
    if pack.meta.sms_alphabet == ECONOMY:
        words = to_gsm7(words)  # as it is sent
    info = analyse(words)
    row.sms_encoding, row.sms_length, row.sms_segments = info.encoding, info.characters, (
        info.segments
    )
    row.ucs2_characters = "".join(info.non_gsm)
    if pack.meta.sms_alphabet in ("gsm7", ECONOMY) and info.encoding != "GSM-7":
        row.status = "costly"
        shown = " ".join(f"{ch!r}" for ch in info.non_gsm)
        out.append(
            Problem(
                pack.path,
                f"{row.id} (sms)",
                f"is sent as UCS-2 because of {shown}, which costs about three times as much.",
                "Replace those characters with plain ones (straight quotes, a plain hyphen).",
                pack.texts[row.id].line,
            )
        )


def check_language(pack: LanguagePack, problems: Iterable[Problem]) -> LanguageReport:
    report = LanguageReport(pack.code, pack.meta.name, pack.path.name)
    report.problems.extend(p for p in problems if p.path == pack.path)
    for text in pack.texts.values():
        for channel in CHANNELS:
            words = text.for_channel(channel)
            if not words:
                continue
            row = TextReport(text.id, channel)
            found: list[Problem] = []
            _check_reading(pack, row, words, found)
            if channel == SMS:
                _check_sms(pack, row, words, found)
            report.problems.extend(found)
            report.texts.append(row)
    return report


@dataclass
class CheckResult:
    languages: list[LanguageReport]
    other_problems: list[Problem]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.languages) and not self.other_problems

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "languages": [
                {
                    "code": r.code,
                    "name": r.name,
                    "file": r.file,
                    "ok": r.ok,
                    "texts": [asdict(t) for t in r.texts],
                    "problems": [_problem_dict(p) for p in r.problems],
                }
                for r in self.languages
            ],
            "problems": [_problem_dict(p) for p in self.other_problems],
        }


def _problem_dict(problem: Problem) -> dict:
    return {
        "file": problem.path.name,
        "line": problem.line,
        "id": problem.text_id,
        "message": problem.message,
        "fix": problem.fix,
        "severity": problem.severity,
    }
