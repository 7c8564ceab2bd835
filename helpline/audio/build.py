"""``helpline audio build``: render every spoken prompt to a telephony MP3, only where needed.

Planning picks, for each prompt, a source (a current human recording, else the language's
engine), hashes what shapes the sound and compares it with the manifest (the decisions are
the plain functions in planning.py). Running
renders the planned files one by one, writing each to a temporary file that is renamed into
place and saving the manifest after each, so an interrupted build loses at most the file in
progress and the next build picks up where it stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..content.model import Content, LanguageMeta
from ..core.pace import PACE_LIMITS, pace_correction
from ..core.prompts import SLOW_SUFFIX, Prompt, spoken_prompts
from . import dsp
from .engines import Engine, EngineError, EngineUnavailable, make_engine
from .hashing import (
    TELEPHONY,
    OutputProfile,
    audio_file_name,
    is_safe_key,
    render_hash,
    text_hash,
)
from .manifest import ManifestEntry, ManifestError, read_manifest, write_atomic, write_manifest
from .planning import (
    GENERATE,
    RECOVER,
    UNCHANGED,
    decide,
    engine_choice,
    files_on_disk,
    find_orphans,
    matches_only,
)
from .recordings import Recording, find_recordings, write_sidecar
from .tiers import RECORDED, meets_min_tier

#: Part of an engine's signature: each prompt is built at the pace the call is written for.
PACED = "@paced"
#: Tries at reaching that pace (each after the first synthesis).
PACE_TRIES = 2

# --- plan --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a prompt's sound comes from: an engine, or a human recording."""

    engine: str
    voice: str
    signature: str
    tier: str
    recording: Recording | None = None
    #: Spoken by the engine's slower self (the slow rendering).
    slow: bool = False


@dataclass(frozen=True)
class Job:
    prompt: Prompt
    source: Source
    render_hash: str
    file: str
    action: str

    @property
    def slot(self) -> tuple[str, str]:
        return (self.prompt.language, self.prompt.key)

    @property
    def label(self) -> str:
        return f"{self.prompt.language}/{self.prompt.key}"


@dataclass(frozen=True)
class Failure:
    language: str
    key: str
    reason: str


@dataclass
class BuildReport:
    """What a build did, for the summary line and for tests."""

    prompts: int = 0
    #: Files the build is about (each prompt, and its slow rendering where one is made).
    files: int = 0
    generated: list[str] = field(default_factory=list)
    unchanged: int = 0
    recovered: int = 0
    failed: list[Failure] = field(default_factory=list)
    #: One line per engine that could not work at all (offline, not installed).
    engine_errors: dict[str, str] = field(default_factory=dict)
    #: One line per language its engine cannot speak.
    unspeakable: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)
    stale_recordings: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    seconds: dict[str, list[float]] = field(default_factory=dict)
    total_duration: float = 0.0
    total_bytes: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed


class AudioBuild:
    """One run of ``helpline audio build``: plan(), then run() the jobs, then finish()."""

    def __init__(
        self,
        content: Content,
        settings: Mapping[str, Any],
        *,
        audio_dir: Path | None = None,
        engine: str | None = None,
        languages: Sequence[str] = (),
        only: Sequence[str] = (),
        force: bool = False,
        prune: bool = False,
        slow: bool = True,
        engines: Mapping[str, Engine] | None = None,
        engine_options: Mapping[str, Mapping[str, object]] | None = None,
        profile: OutputProfile = TELEPHONY,
    ) -> None:
        self.content = content
        self.settings = settings
        self.audio_dir = Path(audio_dir or settings["HELPLINE_AUDIO_DIR"])
        self.engine_override = engine
        self.languages = [code for code in content.codes if not languages or code in languages]
        unknown = sorted(set(languages) - set(content.codes))
        if unknown:
            raise ValueError(
                f"{', '.join(unknown)} is not an enabled language (enabled: "
                f"{', '.join(content.codes)})."
            )
        self.only = tuple(only)
        self.force = force
        self.prune = prune
        #: Also make each engine-spoken prompt's slow rendering.
        self.slow = slow
        self.profile = profile
        self._engines: dict[str, Engine | EngineUnavailable] = dict(engines or {})
        self._engine_options = engine_options or {}
        self.report = BuildReport()
        try:
            self.entries: dict[tuple[str, str], ManifestEntry] = read_manifest(self.audio_dir)
        except ManifestError as exc:
            # Files are named by their hash, so this build lists again what is still right.
            self.report.notes.append(
                f"The manifest could not be read ({exc}); it is rebuilt from the files on disk. "
                "Languages outside this build are listed again by a full build."
            )
            self.entries = {}
        self.jobs: list[Job] = []
        self._all_slots: set[tuple[str, str]] = set()

    # -- engines --

    def engine(self, name: str) -> Engine:
        """The engine by name, made once; EngineUnavailable once it failed for good."""
        slow = name.endswith(SLOW_SUFFIX)
        held = self._engines.get(name)
        if isinstance(held, EngineUnavailable):
            raise held
        if held is None and slow:
            held = self.engine(name.removesuffix(SLOW_SUFFIX)).slower()
            if held is None:
                raise EngineError(f"{name.removesuffix(SLOW_SUFFIX)} cannot speak slower.")
            self._engines[name] = held
        if held is None:
            try:
                held = make_engine(name, **self._engine_options.get(name, {}))
            except EngineUnavailable as exc:
                self._engines[name] = exc
                raise
            self._engines[name] = held
        return held

    def _engine_failed(self, name: str, exc: EngineUnavailable) -> None:
        self._engines[name] = exc
        self.report.engine_errors.setdefault(name, str(exc))

    # -- planning --

    def plan(self) -> list[Job]:
        """Decide, for every prompt in scope, what to do. Writes only new recording sidecars."""
        prompts = spoken_prompts(self.content, self.settings)
        self._all_slots = {(p.language, key) for p in prompts
                           for key in (p.key, p.key + SLOW_SUFFIX)}
        scoped = [
            p for p in prompts if p.language in self.languages and matches_only(p, self.only)
        ]
        self.report.prompts = len(scoped)
        recordings = find_recordings(self.audio_dir, self.languages)
        tts: dict[str, tuple[Engine, str] | None] = {}
        for prompt in scoped:
            pack = self.content.languages[prompt.language]
            if not is_safe_key(prompt.key):
                self._fail(prompt, f"the id {prompt.key!r} cannot be a file name")
                continue
            source = self._recorded_source(prompt, recordings.get((prompt.language,
                                                                    prompt.key)))
            if source is None:
                if prompt.language not in tts:
                    tts[prompt.language] = self._language_engine(pack.meta)
                chosen = tts[prompt.language]
                if chosen is None:
                    self._keep_or_fail(prompt)
                    continue
                engine, voice = chosen
                source = Source(
                    engine.name, voice, engine.signature(prompt.language, voice) + PACED,
                    engine.tier)
                if self.slow:
                    self._plan_slow(prompt, engine, voice)
            self._plan_job(prompt, source)
        self.report.files = len(self.jobs) + len(self.report.failed)
        return self.pending

    def _plan_slow(self, prompt: Prompt, engine: Engine, voice: str) -> None:
        """The slow rendering of a spoken prompt (a human recording has none: the call plays
        the recording, and a person reads at a pace a listener can follow)."""
        try:
            slow = self.engine(engine.name + SLOW_SUFFIX)
        except EngineError:
            return  # this engine cannot slow down: the call slows <Say> instead
        self._plan_job(prompt.slower(), Source(slow.name, voice, slow.signature(
            prompt.language, voice) + PACED, slow.tier, slow=True))

    def _plan_job(self, prompt: Prompt, source: Source) -> None:
        rh = render_hash(prompt.text, source.engine + (SLOW_SUFFIX if source.slow else ""),
                         source.signature, self.profile.signature())
        name = audio_file_name(prompt.language, prompt.key, rh)
        action = decide(self.entries.get((prompt.language, prompt.key)), rh,
                        (self.audio_dir / name).is_file(), self.force)
        job = Job(prompt, source, rh, name, action)
        if action == RECOVER:
            job = self._recover(job)
        elif action == UNCHANGED:
            self.report.unchanged += 1
        self.jobs.append(job)

    def _recorded_source(self, prompt: Prompt, recording: Recording | None) -> Source | None:
        if recording is None:
            return None
        state = recording.state(prompt.text)
        label = f"{prompt.language}/{prompt.key}"
        if state == "stale":
            self.report.stale_recordings.append(label)
            return None
        if state == "new":
            write_sidecar(recording.path, prompt.text)
            self.report.adopted.append(label)
        signature = f"{recording.path.name}@{recording.digest[:16]}"
        return Source(RECORDED, recording.path.name, signature, RECORDED, recording)

    def _language_engine(self, meta: LanguageMeta) -> tuple[Engine, str] | None:
        """The engine and voice for a language, or None (with the reason reported once)."""
        name, voice = engine_choice(meta, self.engine_override)
        try:
            engine = self.engine(name)
        except EngineUnavailable as exc:
            self.report.engine_errors.setdefault(name, str(exc))
            return None
        except EngineError as exc:
            self.report.engine_errors.setdefault(name, str(exc))
            return None
        if not engine.speaks(meta.code):
            spoken = ", ".join(engine.languages()) or "none here"
            self.report.unspeakable[meta.code] = (
                f"{name} cannot speak {meta.name} ({meta.code}); it speaks: {spoken}. Choose "
                f"another engine with --engine, or set audio_engine in {meta.code}.yaml."
            )
            return None
        voice = voice or engine.default_voice(meta.code)
        if not meets_min_tier(engine.tier, meta.audio_min_tier or "neural"):
            self.report.notes.append(
                f"{meta.code}: {name} is {engine.tier}, below {meta.code}'s audio_min_tier "
                f"({meta.audio_min_tier}): callers keep hearing <Say> until better audio exists "
                f"(set audio_min_tier: {engine.tier} in {meta.code}.yaml to play it)."
            )
        return engine, voice

    def _keep_or_fail(self, prompt: Prompt) -> None:
        """No engine here: keep a file already made for these words, else fail the prompt."""
        entry = self.entries.get((prompt.language, prompt.key))
        if (
            entry is not None
            and entry.text_hash == text_hash(prompt.text)
            and (self.audio_dir / entry.file).is_file()
        ):
            self.report.unchanged += 1
            return
        pack = self.content.languages[prompt.language]
        name, _ = engine_choice(pack.meta, self.engine_override)
        reason = self.report.unspeakable.get(prompt.language) or self.report.engine_errors.get(
            name, f"{name} is not available"
        )
        self._fail(prompt, reason)

    def _fail(self, prompt: Prompt, reason: str) -> None:
        self.report.failed.append(Failure(prompt.language, prompt.key, reason))

    # -- running --

    def run(self, jobs: Iterable[Job] | None = None) -> None:
        """Render the planned files (pass them through a progress bar if you like)."""
        for job in jobs if jobs is not None else self.pending:
            self._generate(job)

    @property
    def pending(self) -> list[Job]:
        return [job for job in self.jobs if job.action == GENERATE]

    def _recover(self, job: Job) -> Job:
        """List a file that is on disk under its right name (the manifest was lost or merged)."""
        try:
            rendered = dsp.measure((self.audio_dir / job.file).read_bytes(), self.profile)
        except (OSError, dsp.AudioError):
            return Job(job.prompt, job.source, job.render_hash, job.file, GENERATE)
        self._record(job, rendered)
        self.report.recovered += 1
        return job

    def _generate(self, job: Job) -> None:
        prompt, source = job.prompt, job.source
        if source.recording is None and source.engine in self.report.engine_errors:
            self._fail(prompt, self.report.engine_errors[source.engine])
            return
        started = time.perf_counter()
        try:
            if source.recording is not None:
                speech = dsp.decode(source.recording.path.read_bytes(), self.profile.sample_rate)
            else:
                engine = self.engine(source.engine + (SLOW_SUFFIX if source.slow else ""))
                speech = engine.synthesize(prompt.text, prompt.language, source.voice)
            rendered = dsp.render(speech, self.profile)
            if source.recording is None:
                rendered = self._at_target_pace(prompt, source, engine, rendered)
        except EngineUnavailable as exc:
            self._engine_failed(source.engine, exc)
            self._fail(prompt, str(exc))
            return
        except (EngineError, dsp.AudioError, OSError) as exc:
            self._fail(prompt, f"{source.engine}: {exc}")
            return
        write_atomic(self.audio_dir / job.file, rendered.mp3)
        self._record(job, rendered)
        self.report.generated.append(job.label)
        self.report.seconds.setdefault(source.engine, []).append(
            time.perf_counter() - started
        )

    def _at_target_pace(self, prompt: Prompt, source: Source, engine: Engine,
                        rendered: dsp.Rendered) -> dsp.Rendered:
        """The prompt spoken again faster or slower when the engine's pace for these words is
        off the pace the call is written for (a person reading would do the same). A second
        try corrects the first: an engine's pace does not follow its rate exactly."""
        total = 1.0
        for _ in range(PACE_TRIES):
            share = pace_correction(prompt.text, prompt.language, rendered.duration, source.slow)
            if share is None:
                break
            total = min(max(total * share, PACE_LIMITS[0]), PACE_LIMITS[1])
            paced = engine.at_pace(total)
            if paced is None:
                break
            rendered = dsp.render(paced.synthesize(prompt.text, prompt.language, source.voice),
                                  self.profile)
        return rendered

    def _record(self, job: Job, rendered: dsp.Rendered) -> None:
        self.entries[job.slot] = ManifestEntry(
            language=job.prompt.language,
            id=job.prompt.key,
            file=job.file,
            text_hash=text_hash(job.prompt.text),
            render_hash=job.render_hash,
            engine=job.source.engine,
            voice=job.source.voice,
            tier=job.source.tier,
            duration=rendered.duration,
            bytes=len(rendered.mp3),
            sha256=_sha256(rendered.mp3),
            loudness=rendered.loudness,
            peak=rendered.peak,
        )
        write_manifest(self.audio_dir, self.entries.values(), self.profile)

    def finish(self) -> BuildReport:
        """Save the manifest, find (and with --prune delete) orphans, total up."""
        orphans, dead = find_orphans(
            files_on_disk(self.audio_dir, self.languages),
            self.entries,
            self._all_slots,
            self.languages,
        )
        if self.prune:
            for slot in dead:
                del self.entries[slot]
            orphans, _ = find_orphans(
                files_on_disk(self.audio_dir, self.languages),
                self.entries,
                self._all_slots,
                self.languages,
            )
            for name in orphans:
                (self.audio_dir / name).unlink(missing_ok=True)
            self.report.pruned = orphans
        else:
            self.report.orphans = orphans
        write_manifest(self.audio_dir, self.entries.values(), self.profile)
        current = [
            self.entries[job.slot]
            for job in self.jobs
            if job.slot in self.entries and self.entries[job.slot].file == job.file
        ]
        self.report.total_duration = sum(entry.duration for entry in current)
        self.report.total_bytes = sum(entry.bytes for entry in current)
        for held in self._engines.values():
            if isinstance(held, Engine):
                held.close()
        return self.report


def build_audio(
    content: Content,
    settings: Mapping[str, Any],
    progress: Callable[[list[Job]], Iterable[Job]] | None = None,
    **options: Any,
) -> BuildReport:
    """Plan, run and finish a build in one call (tests and scripts)."""
    build = AudioBuild(content, settings, **options)
    pending = build.plan()
    build.run(progress(pending) if progress else pending)
    return build.finish()


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
