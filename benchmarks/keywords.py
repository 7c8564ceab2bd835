"""Keyword matching: the cost of building the six-language table and of reading one text.

    .venv/bin/python benchmarks/keywords.py [--rounds 7]

Prints the table build time (once per worker at start-up), the mean time to match one message
over a mix of real-looking texts (every webhook pays it), and the time for the longest text
Twilio sends (1600 characters) built to be slow: "SHARE" after 800 tatweels, plain filler,
and filler with a share keyword at the start. Matching must grow linearly with the message.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from helpline.content.loader import load_packs  # noqa: E402
from helpline.core.keywords import KeywordTable  # noqa: E402

LANGUAGES = ["en", "zh", "es", "ar", "ru", "fr"]

MESSAGES = [
    "CHECKLIST", "Qestions?", "STOP", "stop all", "please stop all messages", "MENU",
    "I'd like the checklist please", "SHARE +44 7700 900123", "that's all, thanks", "ALL",
    "MORE", "lista", "问题", "أسئلة", "ВОПРОСЫ", "liste", "I can't breathe", "no more texts please",
    "thank you so much for your help today", "2", "SCRIPT 1", "je ne veux plus de sms",
    "what should I ask my doctor about the scan results", "LISTEN",
]

SLOW = {
    "tatweel then share (1600)": "\u0640 " * 800 + "SHARE 555",
    "tatweel then share (16000)": "\u0640 " * 8000 + "SHARE 555",
    "share then filler (1600)": "SHARE " + "ab " * 531,
    "words (1600)": "checklist questions " * 80,
    "words (16000)": "checklist questions " * 800,
}


def _best(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    catalogue, packs, problems = load_packs(REPO / "scripts_content", LANGUAGES)
    ordered = [packs[code] for code in LANGUAGES]
    numbers = {section.key: section.id for section in catalogue}
    builds = [_best(lambda: KeywordTable.from_packs(ordered, numbers), 1)
              for _ in range(args.rounds)]
    table = KeywordTable.from_packs(ordered, numbers)
    print(f"table build, six languages: {statistics.median(builds) * 1000:.1f} ms (median)")

    def mix() -> None:
        for message in MESSAGES:
            table.match(message)

    per = _best(mix, args.rounds * 20) / len(MESSAGES)
    print(f"match, mean over {len(MESSAGES)} texts: {per * 1e6:.1f} us per text")
    for name, body in SLOW.items():
        took = _best(lambda body=body: table.match(body), args.rounds)
        print(f"match {name}: {took * 1000:.2f} ms")


if __name__ == "__main__":
    main()
