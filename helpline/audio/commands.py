"""``helpline audio build | status | script``: make audio, see what is missing, record it."""

from __future__ import annotations

import contextlib
import csv
import json
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import AppGroup

from ..content import Content
from .engines import ENGINES

if TYPE_CHECKING:
    from .build import BuildReport, Job

audio_cli = AppGroup("audio", help="Make, check and record the audio the phone menu plays.")


def _content() -> Content:
    from ..web.content import current_content

    return current_content()


def _languages(values: Iterable[str]) -> list[str]:
    """--lang en --lang zh, or --lang en,zh."""
    return [code.strip().lower() for value in values for code in value.split(",") if code.strip()]


def _check_languages(content: Content, codes: Sequence[str]) -> None:
    unknown = [code for code in codes if code not in content.codes]
    if unknown:
        raise click.BadParameter(
            f"{', '.join(unknown)} is not enabled (enabled: {', '.join(content.codes)}).",
            param_hint="--lang",
        )


def _duration(seconds: float) -> str:
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest} s" if minutes else f"{seconds:.1f} s"


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 100_000 else f"{count / 1000:.0f} kB"


@audio_cli.command("build")
@click.option("--engine", type=click.Choice(sorted(ENGINES)),
              help="Use this engine for every language instead of each language's audio_engine.")
@click.option("--lang", "langs", multiple=True, metavar="CODE",
              help="Only this language (repeat, or give en,zh).")
@click.option("--only", multiple=True, metavar="ID",
              help="Only this prompt: an id (welcome), a text id with all its forms "
                   "(nav.question) or a pattern ('questions.*'). Repeat for more.")
@click.option("--force", is_flag=True, help="Make the files again even when nothing changed.")
@click.option("--prune", is_flag=True,
              help="Delete files no prompt uses any more (recordings are never deleted).")
@click.option("--timeout", type=float, default=10.0, show_default=True,
              help="Seconds gtts waits for Google before giving up.")
@click.option("--slow/--no-slow", default=True, show_default=True,
              help="Also make each prompt's slow rendering, played after a caller presses "
                   "\"slower\" (without it they hear <Say> read slowly).")
def build_command(
    engine: str | None,
    langs: tuple[str, ...],
    only: tuple[str, ...],
    force: bool,
    prune: bool,
    timeout: float,
    slow: bool,
) -> None:
    """Render every spoken prompt to audio/<lang>/<id>.<hash>.mp3 and list it in the manifest.

    Only prompts whose words, engine, voice or output settings changed are made again. A
    recording in audio/recorded/<lang>/<id>.wav (or .mp3) is used instead of an engine.
    """
    from .build import AudioBuild

    content = _content()
    languages = _languages(langs)
    _check_languages(content, languages)
    build = AudioBuild(
        content,
        current_app.config,
        engine=engine,
        languages=languages,
        only=only,
        force=force,
        prune=prune,
        slow=slow,
        engine_options={"gtts": {"timeout": timeout}},
    )
    pending = build.plan()
    report = build.report
    if not report.prompts:
        if only:
            raise click.UsageError("No prompt matches --only " + " ".join(only) + ".")
        click.echo("There are no spoken prompts to build.")
        return
    click.echo(
        f"{report.prompts} prompts in {', '.join(build.languages)}"
        f"{' (each with its slow rendering)' if slow else ''}: {len(pending)} files to make, "
        f"{report.unchanged + report.recovered} unchanged."
    )
    for line in [*report.engine_errors.values(), *report.unspeakable.values()]:
        click.secho(line, fg="red", err=True)
    for label in report.adopted:
        click.echo(f"New recording {label}: taken for its current words (sidecar written).")
    if pending:
        shown = set(report.engine_errors.values())
        with _progress(pending) as jobs:
            build.run(jobs)
        for line in report.engine_errors.values():
            if line not in shown:
                click.secho(line, fg="red", err=True)
    report = build.finish()
    _summary(report)
    if not report.ok:
        sys.exit(1)


@contextlib.contextmanager
def _progress(jobs: list[Job]) -> Iterator[Iterable[Job]]:
    """click's bar (count, time left, current prompt) on a terminal; in a log, a line a while."""
    if sys.stderr.isatty():
        with click.progressbar(
            jobs,
            label="Making audio",
            show_pos=True,
            show_eta=True,
            item_show_func=lambda job: job.label if job else None,
            file=sys.stderr,
        ) as bar:
            yield bar
    else:
        yield _progress_lines(jobs)


def _progress_lines(jobs: list[Job], every: float = 10.0) -> Iterator[Job]:
    started = last = time.monotonic()
    for done, job in enumerate(jobs, start=1):
        yield job
        now = time.monotonic()
        if now - last >= every or done == len(jobs):
            last = now
            if done == len(jobs):
                click.echo(f"  {done}/{len(jobs)} made in {_duration(now - started)}", err=True)
            else:
                left = (now - started) / done * (len(jobs) - done)
                click.echo(f"  {done}/{len(jobs)} made, about {_duration(left)} left", err=True)


def _summary(report: BuildReport) -> None:
    click.echo(
        f"Generated {len(report.generated)}, unchanged {report.unchanged + report.recovered}, "
        f"failed {len(report.failed)} (of {report.files}); "
        f"{_duration(report.total_duration)} of audio, {_size(report.total_bytes)}."
    )
    for engine, seconds in sorted(report.seconds.items()):
        click.echo(f"  {engine}: {len(seconds)} files, {sum(seconds) / len(seconds):.2f} s each")
    for note in report.notes:
        click.secho(note, fg="yellow", err=True)
    if report.stale_recordings:
        click.secho(
            f"Recordings for old words, not used ({len(report.stale_recordings)}): "
            + ", ".join(report.stale_recordings)
            + ". See: helpline audio status",
            fg="yellow",
            err=True,
        )
    by_reason: dict[str, list[str]] = {}
    for failure in report.failed:
        by_reason.setdefault(failure.reason, []).append(f"{failure.language}/{failure.key}")
    for reason, labels in by_reason.items():
        shown = ", ".join(labels[:5]) + (f" and {len(labels) - 5} more" if len(labels) > 5 else "")
        click.secho(f"Not made ({len(labels)}): {shown}: {reason}", fg="red", err=True)
    if report.pruned:
        click.echo(f"Deleted {len(report.pruned)} unused files.")
    elif report.orphans:
        click.echo(
            f"{len(report.orphans)} files are no longer used (run with --prune to delete them)."
        )


@audio_cli.command("status")
@click.option("--lang", "langs", multiple=True, metavar="CODE", help="Only this language.")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.option("--strict", is_flag=True,
              help="Exit 1 when any prompt would fall back to <Say> or a recording is stale.")
def status_command(langs: tuple[str, ...], as_json: bool, strict: bool) -> None:
    """Per language: prompts with no audio, stale recordings, unused files, the tier mix."""
    from .status import audio_status

    content = _content()
    languages = _languages(langs)
    _check_languages(content, languages)
    statuses = audio_status(content, current_app.config, languages=languages)
    if as_json:
        click.echo(json.dumps([asdict(s) for s in statuses], ensure_ascii=False, indent=1))
    else:
        for status in statuses:
            mix = ", ".join(f"{tier} {count}" for tier, count in status.tiers.items()) or "none"
            click.echo(
                f"{status.name} ({status.language}): {status.playable} of {status.prompts} "
                f"prompts play audio (lowest tier played: {status.min_tier}; have: {mix})."
            )
            if status.pace is not None:
                low, mean, high = status.pace
                click.echo(f"  Pace: {mean:.0f} {status.pace_unit} a minute on average, "
                           f"{low:.0f} to {high:.0f}.")
            if status.slow_pace is not None:
                low, mean, high = status.slow_pace
                click.echo(f"  Slow renderings: {mean:.0f} {status.pace_unit} a minute on "
                           f"average, {low:.0f} to {high:.0f}.")
            for title, ids in (
                ("No audio for the current words", status.missing),
                (f"Audio below {status.min_tier} (callers hear <Say>)", status.below_tier),
                ("Recordings for old words (record again)", status.stale_recordings),
                ("Recordings not built yet", status.unbuilt_recordings),
                ("Recordings that match no prompt", status.unknown_recordings),
                ("Unused (helpline audio build --prune deletes them)", status.orphans),
                ("Too fast or too slow for the call (a minute)", status.off_pace),
            ):
                if ids:
                    click.echo(f"  {title} ({len(ids)}): {', '.join(ids)}")
    if strict and not all(status.complete for status in statuses):
        sys.exit(1)


@audio_cli.command("script")
@click.option("--lang", "langs", multiple=True, metavar="CODE",
              help="The language to record (default: every enabled language).")
@click.option("--todo", is_flag=True,
              help="Only prompts that still need a recording (none yet, or for old words).")
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text",
              show_default=True)
def script_command(langs: tuple[str, ...], todo: bool, fmt: str) -> None:
    """Print what a volunteer reads aloud: each prompt's words and the file name to save."""
    from .recordings import recorded_dir
    from .status import recording_script

    content = _content()
    languages = _languages(langs) or list(content.codes)
    _check_languages(content, languages)
    audio_dir = current_app.config["HELPLINE_AUDIO_DIR"]
    writer = csv.writer(sys.stdout) if fmt == "csv" else None
    if writer:
        writer.writerow(["language", "id", "file", "state", "text"])
    for code in languages:
        pack = content.languages[code]
        lines = recording_script(content, current_app.config, code, audio_dir=audio_dir,
                                 todo=todo)
        if writer:
            writer.writerows([code, line.key, line.file, line.state, line.text]
                             for line in lines)
            continue
        folder = recorded_dir(audio_dir, code)
        click.echo(f"Recording script: {pack.meta.name} ({code}), {len(lines)} prompts.")
        click.echo(
            f"Save each recording in {folder}/ under the file name shown (.wav, or .mp3 with "
            "the same name), then run: helpline audio build --lang " + code
            + f" (or record them in the browser at /admin/studio/{code})"
        )
        for number, line in enumerate(lines, start=1):
            click.echo(f"\n{number}. {line.file}  [{line.state}]")
            click.echo(f"   {line.text}")
        click.echo("")
