"""``helpline audio status``: per language, what callers will hear and what needs work.

Shared with ``helpline content check`` (audio freshness) through ``audio_status`` and
``audio_problems``; both read the manifest and list folders, so they are for commands, not
for requests.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..content.loader import Problem
from ..content.model import Content
from ..core.pace import MIN_UNITS_TO_JUDGE, off_pace, pace_of
from ..core.prompts import SLOW_SUFFIX, spoken_prompts
from .hashing import text_hash
from .manifest import ManifestError, read_manifest
from .planning import files_on_disk, find_orphans
from .recordings import find_recordings, recorded_dir, recording_name
from .tiers import DEFAULT_MIN_TIER, RECORDED, TIERS, meets_min_tier

#: How many ids a problem line names before it says "and N more".
SHOWN_IDS = 5


@dataclass(frozen=True)
class LanguageAudioStatus:
    """One language's audio as the voice flow will use it."""

    language: str
    name: str
    min_tier: str
    prompts: int
    #: Prompts that will <Play> a file.
    playable: int
    #: No file for the current words (never built, or the content changed since): <Say>.
    missing: tuple[str, ...]
    #: A file for the current words exists, but its tier is below min_tier: <Say>.
    below_tier: tuple[str, ...]
    #: Recordings made for words the content no longer has: record them again.
    stale_recordings: tuple[str, ...]
    #: Current recordings the manifest does not use yet: run a build.
    unbuilt_recordings: tuple[str, ...]
    #: Recordings whose file name matches no prompt (a typo in the name?).
    unknown_recordings: tuple[str, ...]
    #: Files in audio/<lang>/ no entry names, and entries for prompts that no longer exist.
    orphans: tuple[str, ...]
    #: Tier -> number of prompts whose current words have audio of that tier.
    tiers: Mapping[str, int] = field(default_factory=dict)
    #: Pace of the audio files for current words, long enough to judge: (lowest, mean,
    #: highest) per minute and its unit ("words" or, for Chinese, "characters").
    pace: tuple[float, float, float] | None = None
    pace_unit: str = "words"
    #: ... and of the slow renderings ("slower" on a call).
    slow_pace: tuple[float, float, float] | None = None
    #: Prompts paced outside the range the call is written for: "id (205)".
    off_pace: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not (self.missing or self.below_tier or self.stale_recordings
                    or self.unbuilt_recordings)


def audio_status(
    content: Content,
    settings: Mapping[str, Any],
    *,
    audio_dir: Path | None = None,
    languages: Sequence[str] = (),
) -> list[LanguageAudioStatus]:
    """The audio status of every enabled language (or of the ones named)."""
    audio_dir = Path(audio_dir or settings["HELPLINE_AUDIO_DIR"])
    try:
        entries = read_manifest(audio_dir)
    except ManifestError:
        entries = {}
    codes = [code for code in content.codes if not languages or code in languages]
    prompts = spoken_prompts(content, settings)
    recordings = find_recordings(audio_dir, codes)
    statuses = []
    for code in codes:
        pack = content.languages[code]
        mine = [p for p in prompts if p.language == code]
        slots = {(p.language, key) for p in mine for key in (p.key, p.key + SLOW_SUFFIX)}
        min_tier = (pack.meta.audio_min_tier or DEFAULT_MIN_TIER).strip().lower()
        missing, below, stale, unbuilt = [], [], [], []
        tiers: Counter[str] = Counter()
        paces, slow_paces, unit, off = [], [], "words", []
        for prompt in mine:
            entry = entries.get((code, prompt.key))
            current = (
                entry is not None
                and entry.text_hash == text_hash(prompt.text)
                and (audio_dir / entry.file).is_file()
            )
            recording = recordings.get((code, prompt.key))
            if recording is not None:
                state = recording.state(prompt.text)
                if state == "stale":
                    stale.append(prompt.key)
                elif not (current and entry is not None and entry.tier == RECORDED):
                    unbuilt.append(prompt.key)
            if not current or entry is None:
                missing.append(prompt.key)
                continue
            tiers[entry.tier] += 1
            pace = pace_of(prompt.text, code, entry.duration)
            if pace.units >= MIN_UNITS_TO_JUDGE:
                paces.append(pace.per_minute)
                unit = pace.unit
                if off_pace(pace):
                    off.append(f"{prompt.key} ({pace.per_minute:.0f})")
            slow = entries.get((code, prompt.key + SLOW_SUFFIX))
            if slow is not None and slow.text_hash == entry.text_hash:
                pace = pace_of(prompt.text, code, slow.duration, slow=True)
                if pace.units >= MIN_UNITS_TO_JUDGE:
                    slow_paces.append(pace.per_minute)
                    if off_pace(pace):
                        off.append(f"{prompt.key}{SLOW_SUFFIX} ({pace.per_minute:.0f})")
            if not meets_min_tier(entry.tier, min_tier):
                below.append(prompt.key)
        orphan_files, dead = find_orphans(files_on_disk(audio_dir, [code]), entries, slots,
                                          [code])
        orphans = orphan_files + [f"manifest entry {lang}/{key}" for lang, key in dead]
        unknown = sorted(
            str(rec.path.relative_to(audio_dir))
            for (lang, key), rec in recordings.items()
            if lang == code and (lang, key) not in slots
        )
        statuses.append(
            LanguageAudioStatus(
                language=code,
                name=pack.meta.name,
                min_tier=min_tier,
                prompts=len(mine),
                playable=len(mine) - len(missing) - len(below),
                missing=tuple(missing),
                below_tier=tuple(below),
                stale_recordings=tuple(stale),
                unbuilt_recordings=tuple(unbuilt),
                unknown_recordings=tuple(unknown),
                orphans=tuple(orphans),
                tiers={tier: tiers[tier] for tier in reversed(TIERS) if tiers[tier]},
                pace=_spread(paces),
                pace_unit=unit,
                slow_pace=_spread(slow_paces),
                off_pace=tuple(off),
            )
        )
    return statuses


#: A recording's state as a reader's script words it.
SCRIPT_STATES = {"new": "recorded", "current": "recorded", "stale": "recorded for old words"}
TO_RECORD = "to record"


@dataclass(frozen=True)
class ScriptLine:
    """One prompt of a reader's script: its id, the file to save, its state and its words."""

    key: str
    file: str
    state: str
    text: str


def recording_script(
    content: Content,
    settings: Mapping[str, Any],
    language: str,
    *,
    audio_dir: Path | None = None,
    todo: bool = False,
) -> list[ScriptLine]:
    """What a reader records for one language, in the order a caller hears it.

    One list for ``helpline audio script`` and the studio, so the two always agree.
    ``todo`` keeps only prompts with no recording for their current words.
    """
    audio_dir = Path(audio_dir or settings["HELPLINE_AUDIO_DIR"])
    recordings = find_recordings(audio_dir, [language])
    lines = []
    for prompt in spoken_prompts(content, settings, language):
        recording = recordings.get((language, prompt.key))
        state = TO_RECORD if recording is None else SCRIPT_STATES[recording.state(prompt.text)]
        if todo and state == "recorded":
            continue
        lines.append(ScriptLine(prompt.key, recording_name(prompt.key), state, prompt.text))
    return lines


def _ids(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:SHOWN_IDS])
    return shown + (f" and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else "")


def audio_problems(
    content: Content, settings: Mapping[str, Any], *, audio_dir: Path | None = None
) -> list[Problem]:
    """Audio freshness as content-check warnings: one line per language and kind of gap."""
    audio_dir = Path(audio_dir or settings["HELPLINE_AUDIO_DIR"])
    problems = []
    for status in audio_status(content, settings, audio_dir=audio_dir):
        path = content.languages[status.language].path
        if status.missing:
            problems.append(Problem(
                path, "(audio)",
                f"{len(status.missing)} of {status.prompts} prompts have no audio for their "
                f"current words ({_ids(status.missing)}); callers hear <Say> instead.",
                f"Run: helpline audio build --lang {status.language}",
                severity="warning",
            ))
        if status.below_tier:
            problems.append(Problem(
                path, "(audio)",
                f"{len(status.below_tier)} prompts only have audio below audio_min_tier "
                f"({status.min_tier}): {_ids(status.below_tier)}; callers hear <Say> instead.",
                "Build with a better engine, add recordings, or lower audio_min_tier.",
                severity="warning",
            ))
        if status.stale_recordings:
            folder = recorded_dir(audio_dir, status.language)
            problems.append(Problem(
                path, "(audio)",
                f"{len(status.stale_recordings)} recordings are for words that have since "
                f"changed: {_ids(status.stale_recordings)}.",
                f"Record them again in the browser at /admin/studio/{status.language}, or "
                f"into {folder} (helpline audio script --lang {status.language} --todo); or "
                "delete a recording's .json file to keep it for the new words.",
                severity="warning",
            ))
        if status.unbuilt_recordings:
            problems.append(Problem(
                path, "(audio)",
                f"{len(status.unbuilt_recordings)} recordings are not in use yet: "
                f"{_ids(status.unbuilt_recordings)}.",
                f"Run: helpline audio build --lang {status.language}",
                severity="warning",
            ))
        if status.unknown_recordings:
            problems.append(Problem(
                path, "(audio)",
                f"recordings match no prompt: {_ids(status.unknown_recordings)}.",
                "Rename them to a prompt id (helpline audio script shows the names).",
                severity="warning",
            ))
    return problems


def _spread(paces: list[float]) -> tuple[float, float, float] | None:
    """Lowest, mean and highest."""
    return (min(paces), sum(paces) / len(paces), max(paces)) if paces else None
