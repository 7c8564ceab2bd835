"""What the studio shows for a language: every prompt, what callers hear now, what to record.

Made from the reader's script (the same list ``helpline audio script`` prints) and the audio
library the calls play from, so the page says what a caller would hear right now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..audio.hashing import text_hash
from ..audio.library import AudioLibrary
from ..audio.status import TO_RECORD, recording_script
from ..audio.tiers import NEURAL, RECORDED, ROBOTIC
from ..content import Content

#: What a caller hears, by the tier of the file that plays.
SOURCES = {RECORDED: "recorded", NEURAL: "neural voice", ROBOTIC: "robotic voice"}
#: No file may play for the current words: Twilio reads the text.
SPOKEN_BY_TWILIO = "spoken by Twilio"
STALE = "recorded for old words"


@dataclass(frozen=True)
class Row:
    number: int
    key: str
    text: str
    text_hash: str
    #: recorded, neural voice, robotic voice or spoken by Twilio.
    source: str
    #: to record, recorded, or recorded for old words (as ``helpline audio script`` says).
    state: str
    #: The file a call plays now, relative to audio/ (None: Twilio reads the text).
    file: str | None

    @property
    def stale(self) -> bool:
        return self.state == STALE

    @property
    def slug(self) -> str:
        return {TO_RECORD: "todo", STALE: "stale"}.get(self.state, "recorded")


@dataclass(frozen=True)
class Overview:
    language: str
    name: str
    rows: tuple[Row, ...]

    @property
    def recorded(self) -> int:
        return sum(1 for row in self.rows if row.state == "recorded")

    @property
    def stale(self) -> int:
        return sum(1 for row in self.rows if row.stale)

    @property
    def progress(self) -> str:
        return f"{self.recorded} of {len(self.rows)} recorded"


def overview(content: Content, settings: Mapping[str, Any], library: AudioLibrary,
             language: str) -> Overview:
    rows = []
    lines = recording_script(content, settings, language, audio_dir=library.audio_dir)
    for number, line in enumerate(lines, start=1):
        entry = library.entry_for(language, line.key, line.text)
        rows.append(Row(
            number=number,
            key=line.key,
            text=line.text,
            text_hash=text_hash(line.text),
            source=SOURCES.get(entry.tier, SPOKEN_BY_TWILIO) if entry else SPOKEN_BY_TWILIO,
            state=line.state,
            file=entry.file if entry else None,
        ))
    return Overview(language, content.languages[language].meta.name, tuple(rows))
