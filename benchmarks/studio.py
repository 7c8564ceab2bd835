"""How long the recording studio takes to keep a take, and how loud the result is.

Keeping a take is what a reader waits for after pressing Keep: the upload is decoded, checked,
trimmed and evened out, saved with its sidecar, built into the phone file exactly as
``helpline audio build`` does, listed in the manifest, and the audio library reloaded. Measured
through the real route (a signed-in operator, the page's token) for a short, a medium and a long
Spanish prompt read at 145 words a minute, on a production-like app in a temporary folder;
the repository's content and audio are never written.

    .venv/bin/python benchmarks/studio.py [--rounds 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from helpline import create_app  # noqa: E402
from helpline.audio import dsp  # noqa: E402
from helpline.audio.manifest import read_manifest  # noqa: E402
from helpline.core.prompts import spoken_prompts  # noqa: E402
from helpline.web.content import loaded_content  # noqa: E402

PASSWORD = "benchmark-operator-password"
PROMPTS = {"short": "language.choose.key-3", "medium": "welcome", "long": "menu.main"}
RATE = 48000


def voice(seconds: float, seed: int) -> bytes:
    """A voice-like take (harmonics at a speaking pitch, syllables four times a second) with
    half a second of room hiss either side, as 16-bit PCM WAV at 48 kHz."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    phase = 2 * np.pi * np.cumsum(140.0 + 25.0 * np.sin(2 * np.pi * 0.6 * t)) / RATE
    samples = sum(np.sin(k * phase) / k for k in range(1, 14))
    samples *= np.clip(np.sin(2 * np.pi * 4.0 * t), 0.15, 1.0)
    samples *= 10 ** (-14 / 20) / np.max(np.abs(samples))
    hiss = rng.normal(0.0, 10 ** (-66 / 20), RATE // 2)
    whole = np.concatenate([hiss, samples + rng.normal(0.0, 10 ** (-66 / 20), len(t)), hiss])
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(RATE)
        writer.writeframes(np.round(np.clip(whole, -1, 1) * 32767).astype("<i2").tobytes())
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree(REPO / "scripts_content", root / "content")
        app = create_app({
            "TESTING": True, "TWILIO_AUTH_TOKEN": "1" * 32, "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
            "TWILIO_FROM_NUMBER": "+15005550006", "HELPLINE_PUBLIC_URL": "https://bench.example",
            "HELPLINE_SECRET_KEY": "benchmark-secret", "HELPLINE_ADMIN_PASSWORD": PASSWORD,
            "INSTANCE_PATH": str(root / "instance"),
            "DATABASE_URL": f"sqlite:///{root / 'helpline.sqlite3'}",
            "HELPLINE_CONTENT_DIR": str(root / "content"),
            "HELPLINE_AUDIO_DIR": str(root / "audio"),
        })
        client = app.test_client()
        basic = base64.b64encode(f"op:{PASSWORD}".encode()).decode()
        auth = {"Authorization": f"Basic {basic}"}
        page = client.get("/admin/studio/es", headers=auth).get_data(as_text=True)
        settings = re.search(r'id="studio-settings">(.*?)</script>', page, re.S)[1]
        token = json.loads(settings)["token"]
        content = loaded_content(app).content
        texts = {p.key: p.text for p in spoken_prompts(content, app.config, "es")}

        results = {}
        for size, key in PROMPTS.items():
            words = len(texts[key].split())
            takes = [voice(words * 60 / 145, seed) for seed in range(args.rounds + 1)]
            times, loudness = [], []
            for number, take in enumerate(takes):
                started = time.perf_counter()
                answer = client.post("/admin/studio/es/take", query_string={"prompt": key},
                                     data=take, content_type="audio/wav",
                                     headers={**auth, "X-Studio-Token": token})
                elapsed = time.perf_counter() - started
                assert answer.status_code == 200, answer.get_json()
                entry = read_manifest(root / "audio")[("es", key)]
                sound = dsp.decode((root / "audio" / entry.file).read_bytes())
                loudness.append(dsp.integrated_loudness(sound.samples, sound.sample_rate))
                if number:  # the first take also loads the audio libraries: a warm-up
                    times.append(elapsed * 1000)
            results[size] = {
                "prompt": key, "words": words, "take_s": round(words * 60 / 145, 1),
                "upload_kb": round(len(takes[0]) / 1024),
                "keep_ms_median": round(statistics.median(times)),
                "keep_ms_max": round(max(times)),
                "lufs": [round(min(loudness), 2), round(max(loudness), 2)],
            }

    print(f"{'take':8} {'prompt':24} {'words':>5} {'take s':>6} {'upload':>8} "
          f"{'keep ms (median)':>17} {'max':>5} {'LUFS after':>14}")
    for size, row in results.items():
        print(f"{size:8} {row['prompt']:24} {row['words']:>5} {row['take_s']:>6} "
              f"{row['upload_kb']:>6}kB {row['keep_ms_median']:>17} {row['keep_ms_max']:>5} "
              f"{row['lufs'][0]:>6} to {row['lufs'][1]}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
