"""What texting costs, per language: the segments of one reply to every keyword, and of a
caregiver share.

    .venv/bin/python benchmarks/sms_cost.py [--content DIR] [--markdown]

Each keyword's reply is built as the helpline sends it (the section's texts joined, split
into numbered parts, each language's SMS alphabet applied) and every part is counted as
Twilio bills it (helpline/core/segments.py). "keywords" is the sum over MENU, HELP and every
section's keyword; "share" is the introduction and the ten questions sent to a caregiver.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from helpline.content.loader import load_content  # noqa: E402
from helpline.core import compose  # noqa: E402
from helpline.core.prompts import deployment_values  # noqa: E402
from helpline.core.segments import analyse  # noqa: E402


def costs(content_dir: Path) -> list[dict]:
    codes = [p.stem for p in sorted(content_dir.glob("*.yaml")) if p.stem != "catalogue"]
    content = load_content(content_dir, ["en", *(c for c in codes if c != "en")])
    values = deployment_values({})
    rows = []
    for pack in content:
        per_keyword = {}
        for intent in ["menu", "help", *(section.id for section in content.catalogue)]:
            ids = compose.reply_ids(pack, content.catalogue, intent)
            parts = compose.parts(pack, ids, values)
            per_keyword[intent] = sum(analyse(part).segments for part in parts)
        share = sum(analyse(part).segments for send in compose.share_ids(pack, "questions")
                    for part in compose.parts(pack, send, values))
        encodings = {analyse(part).encoding for intent in per_keyword
                     for part in compose.parts(
                         pack, compose.reply_ids(pack, content.catalogue, intent), values)}
        rows.append({"code": pack.code, "alphabet": pack.meta.sms_alphabet,
                     "keywords": sum(per_keyword.values()), "share": share,
                     "encodings": "/".join(sorted(encodings)), **per_keyword})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=REPO / "scripts_content")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    rows = costs(args.content)
    sections = [key for key in rows[0] if key not in
                ("code", "alphabet", "keywords", "share", "encodings")]
    head = ["language", "alphabet", "encoding", "all keywords", "share", *sections]
    lines = [[r["code"], r["alphabet"], r["encodings"], str(r["keywords"]), str(r["share"]),
              *(str(r[s]) for s in sections)] for r in rows]
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for line in lines:
            print("| " + " | ".join(line) + " |")
    else:
        for line in [head, *lines]:
            print("  ".join(f"{cell:>12}" for cell in line))


if __name__ == "__main__":
    main()
