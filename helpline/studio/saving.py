"""Keep a take: write it as the prompt's recording, and build its phone file as the build would.

The recording goes to audio/recorded/<lang>/<id>.wav with its sidecar, exactly where a volunteer
would save it by hand; then ``AudioBuild`` makes that one prompt's MP3 and manifest entry, so
the file is byte for byte what ``helpline audio build`` makes from the same recording, and a
later build finds it up to date. One save at a time per helpline (a lock file beside the
recordings), since the manifest is read, changed and written whole.
"""

from __future__ import annotations

import fcntl
import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..audio.build import AudioBuild
from ..audio.hashing import is_safe_key, is_safe_language, text_hash
from ..audio.manifest import (
    ManifestEntry,
    ManifestError,
    read_manifest,
    write_atomic,
    write_manifest,
)
from ..audio.recordings import (
    RECORDED_DIR,
    RECORDING_SUFFIXES,
    recorded_dir,
    recording_name,
    sidecar_path,
    write_sidecar,
)
from ..audio.tiers import RECORDED
from ..content import Content
from ..core.prompts import Prompt, spoken_prompts
from .takes import Take, check_take, wav_bytes

log = logging.getLogger(__name__)

#: Longest reader name kept in a sidecar.
MAX_READER = 60

_LOCK = threading.Lock()


class NotAPrompt(LookupError):
    """The language or prompt id names nothing the helpline speaks; the message says which."""


class NoRecording(LookupError):
    """The prompt has no recording to remove."""


class SaveFailed(RuntimeError):
    """The take was fine but its phone file could not be made (the message says why)."""


@dataclass(frozen=True)
class Saved:
    prompt: Prompt
    take: Take
    recording: Path
    entry: ManifestEntry


def find_prompt(content: Content, settings: Mapping[str, Any], language: str,
                key: str) -> Prompt:
    """The prompt ``key`` of an enabled ``language``, or NotAPrompt."""
    if language not in content.codes or not is_safe_language(language):
        raise NotAPrompt(f"{language[:20]!r} is not an enabled language "
                         f"(enabled: {', '.join(content.codes)}).")
    if is_safe_key(key):
        for prompt in spoken_prompts(content, settings, language):
            if prompt.key == key:
                return prompt
    raise NotAPrompt(f"{key[:80]!r} is not a prompt of {content.languages[language].meta.name}. "
                     "Reload the page and choose a prompt from the list.")


def clean_reader(name: str | None) -> str:
    """A reader's name as they typed it, without control characters, and not too long."""
    kept = "".join(ch for ch in (name or "") if ch.isprintable())
    return " ".join(kept.split())[:MAX_READER]


def recording_path(audio_dir: Path, language: str, key: str) -> Path:
    """Where the prompt's recording goes; ValueError if that would leave the recordings folder."""
    root = (Path(audio_dir) / RECORDED_DIR).resolve()
    target = (recorded_dir(audio_dir, language) / recording_name(key)).resolve()
    if target.parent.parent != root or target.parent.name != language:
        raise ValueError(f"{language}/{key} would be saved outside {root}")
    return target


@contextmanager
def _one_save_at_a_time(audio_dir: Path) -> Iterator[None]:
    folder = Path(audio_dir) / RECORDED_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with _LOCK, open(folder / ".studio.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def save_take(content: Content, settings: Mapping[str, Any], language: str, key: str,
              data: bytes, *, reader: str | None = None,
              expected_hash: str | None = None) -> Saved:
    """Check the take, write it as the prompt's recording, and make its phone file.

    Raises NotAPrompt, TakeRefused (nothing written) or SaveFailed.
    ``expected_hash`` is the text hash the page showed: a take read from words that have since
    changed is refused rather than kept for words it does not say.
    """
    prompt = find_prompt(content, settings, language, key)
    if expected_hash is not None and expected_hash != text_hash(prompt.text):
        raise NotAPrompt("The words of this prompt changed since the page was opened. Reload "
                         "the page and record the new words.")
    take = check_take(data, prompt.text, language)
    audio_dir = Path(settings["HELPLINE_AUDIO_DIR"])
    target = recording_path(audio_dir, language, prompt.key)
    with _one_save_at_a_time(audio_dir):
        write_atomic(target, wav_bytes(take.speech))
        write_sidecar(target, prompt.text, reader=clean_reader(reader) or None)
        build = AudioBuild(content, settings, audio_dir=audio_dir, languages=[language],
                           only=[prompt.key])
        build.plan()
        build.run()
        report = build.finish()
    if report.failed:
        raise SaveFailed(report.failed[0].reason)
    entry = build.entries.get((language, prompt.key))
    if entry is None:
        raise SaveFailed("the build did not list the recording")
    log.info("studio: recording kept for %s/%s at %s (%.1f s, %s)", language, prompt.key,
             datetime.now(UTC).isoformat(timespec="seconds"), take.seconds, take.pace.label)
    return Saved(prompt, take, target, entry)


def remove_recording(content: Content, settings: Mapping[str, Any], language: str,
                     key: str) -> Prompt:
    """Delete a prompt's recording and its sidecar, and stop calls playing it.

    The manifest entry made from the recording goes too, so callers hear <Say> (or, after the
    next ``helpline audio build``, the language's engine) instead. Raises NotAPrompt or
    NoRecording.
    """
    prompt = find_prompt(content, settings, language, key)
    audio_dir = Path(settings["HELPLINE_AUDIO_DIR"])
    wav = recording_path(audio_dir, language, prompt.key)
    files = [wav.with_suffix(suffix) for suffix in RECORDING_SUFFIXES]
    with _one_save_at_a_time(audio_dir):
        present = [path for path in files if path.is_file()]
        if not present:
            raise NoRecording(f"{prompt.key} has no recording in "
                              f"{content.languages[language].meta.name} to remove.")
        for path in [*present, sidecar_path(wav)]:
            path.unlink(missing_ok=True)
        try:
            entries = read_manifest(audio_dir)
        except ManifestError:
            entries = {}
        entry = entries.get((language, prompt.key))
        if entry is not None and entry.tier == RECORDED:
            del entries[(language, prompt.key)]
            write_manifest(audio_dir, entries.values())
    log.info("studio: recording removed for %s/%s at %s", language, prompt.key,
             datetime.now(UTC).isoformat(timespec="seconds"))
    return prompt
