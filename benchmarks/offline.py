"""The measurements that need no load generator: start-up, audio builds and SMS cost."""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from webhooks import ENDPOINTS, REPO, VENV_BIN, Gunicorn, helpline_env

LANGUAGES = ("en", "zh", "es", "ar", "ru", "fr")


def bench_startup(workdir: Path, rounds: int) -> dict:
    """Seconds from starting gunicorn (one worker, six languages) to the first answered call.

    "fresh" starts on an empty instance folder (the SQLite schema is created), "warm" on the
    folder the previous start left behind, as a restart in production would.
    """
    times: dict[str, list[float]] = {"fresh": [], "warm": []}
    for i in range(rounds):
        folder = workdir / f"start-{i}"
        folder.mkdir(parents=True, exist_ok=True)
        for kind in ("fresh", "warm"):
            server = Gunicorn("helpline:create_app()", helpline_env(folder), 1, REPO,
                              workdir / f"start-{i}-{kind}.log")
            try:
                times[kind].append(server.wait_ready(ENDPOINTS[0]))
            finally:
                server.stop()
    result = {kind: {"median_s": statistics.median(v), "max_s": max(v), "runs": v}
              for kind, v in times.items()}
    cpu = [_create_app_cpu(helpline_env(workdir / "start-0")) for _ in range(rounds)]
    result["cpu"] = {"median_s": statistics.median(cpu), "runs": cpu}
    return result


def _create_app_cpu(env: dict[str, str]) -> float:
    """CPU seconds of a process that imports the helpline and builds the app: the start-up
    cost without the waiting a busy machine adds to the wall clock."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", "from helpline import create_app; create_app()"],
                   env=env, cwd=REPO, check=True, capture_output=True, timeout=120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def _manifest_files(audio_dir: Path) -> dict[tuple[str, str], str]:
    data = json.loads((audio_dir / "manifest.json").read_text(encoding="utf-8"))
    return {(e["language"], e["id"]): e["file"] for e in data["entries"]}


def _build(env: dict[str, str], lang: str) -> float:
    started = time.perf_counter()
    subprocess.run([str(VENV_BIN / "helpline"), "audio", "build", "--engine", "espeak",
                    "--lang", lang], env=env, check=True, capture_output=True, text=True,
                   timeout=900)
    return time.perf_counter() - started


def bench_audio(workdir: Path, languages: tuple[str, ...] = LANGUAGES) -> dict:
    """Full espeak build per language into an empty temporary audio/, then one text change.

    Works on copies of scripts_content/ and an empty audio folder: the repository's audio/ is
    never written.
    """
    content = workdir / "scripts_content"
    audio = workdir / "audio"
    shutil.copytree(REPO / "scripts_content", content)
    audio.mkdir()
    env = helpline_env(workdir / "audio-instance")
    for name in ("TWILIO_AUTH_TOKEN", "HELPLINE_PUBLIC_URL"):
        env.pop(name)  # local mode: a build needs no Twilio account
    env.update(HELPLINE_CONTENT_DIR=str(content), HELPLINE_AUDIO_DIR=str(audio),
               HELPLINE_LANGUAGES=",".join(languages))
    full = {}
    for lang in languages:
        seconds = _build(env, lang)
        files = sum(1 for key in _manifest_files(audio) if key[0] == lang)
        full[lang] = {"seconds": seconds, "files": files}

    # One sentence of question 7 changes; exactly one prompt should be made again.
    before = _manifest_files(audio)
    on_disk = {p.name for p in (audio / "en").iterdir()}
    en = content / "en.yaml"
    text = en.read_text(encoding="utf-8")
    old = "The order can change how well the treatment works."
    if old not in text:
        raise RuntimeError("the benchmark's sample sentence is no longer in en.yaml")
    en.write_text(text.replace(old, "The order can change how well treatment works.", 1),
                  encoding="utf-8")
    seconds = _build(env, "en")
    after = _manifest_files(audio)
    changed = sorted(key[1] for key in after if after[key] != before.get(key))
    made = sorted({p.name for p in (audio / "en").iterdir()} - on_disk)
    return {"full": full, "incremental": {"seconds": seconds, "changed_prompts": changed,
                                          "new_files": made}}


def _fold_to_cheapest(text: str) -> str:
    """The same words in the cheapest encoding the language allows.

    Punctuation with a plain twin (curly quotes, dashes, ellipsis, no-break space) becomes the
    twin; letters are kept, since a language's own letters are not ours to drop.
    """
    from helpline.content.validation import SMART_PUNCTUATION

    twins = {ch: (" " if ch == "\u00a0" else plain) for ch, plain in SMART_PUNCTUATION.items()}
    return "".join(twins.get(ch, ch) for ch in text)


def bench_sms_cost() -> list[dict]:
    """Segments each keyword reply costs per language, beside the same parts with every
    character in the cheapest form the language permits (what better punctuation would save)."""
    from helpline import create_app
    from helpline.content.validation import SMART_PUNCTUATION
    from helpline.core import compose
    from helpline.core.prompts import deployment_values
    from helpline.core.segments import analyse
    from helpline.web.content import loaded_content

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "INSTANCE_PATH": tmp,
                          "HELPLINE_SECRET_KEY": "benchmark-secret-key-for-hashing-numbers",
                          "DATABASE_URL": f"sqlite:///{tmp}/cost.sqlite3",
                          "HELPLINE_LANGUAGES": ",".join(LANGUAGES)})
        content = loaded_content(app).content
        values = deployment_values(app.config)
        rows = []
        # The catalogue's sections, as it lists them, between the menu and HELP.
        intents = ["menu", *(section.id for section in content.catalogue), "help"]
        for pack in content.languages.values():
            for intent in intents:
                ids = compose.reply_ids(pack, content.catalogue, intent)
                parts = compose.parts(pack, ids, values)
                infos = [analyse(part) for part in parts]
                cheapest = [analyse(_fold_to_cheapest(part)) for part in parts]
                rows.append({
                    "language": pack.code, "keyword": intent, "parts": len(parts),
                    "encoding": "/".join(sorted({i.encoding for i in infos})),
                    "segments": sum(i.segments for i in infos),
                    "minimum": sum(i.segments for i in cheapest),
                    "avoidable": sorted({ch for i in infos for ch in i.non_gsm}
                                        & set(SMART_PUNCTUATION)),
                })
        return rows
