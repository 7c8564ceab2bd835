"""What texting costs, per language: the segments of the reply to every keyword, before and
after texting in small pieces, and what a whole section costs by MORE and by ALL.

    .venv/bin/python benchmarks/sms_cost.py [--content DIR] [--markdown]

Each reply is built as the helpline sends it (helpline/core/pieces.py for a keyword's first
piece, compose.parts for ALL, each language's SMS alphabet applied) and every message is
counted as Twilio bills it (helpline/core/segments.py). "before" is read from
sms_cost_before.json, measured on the same content before keywords answered in pieces (every
keyword then sent its whole section). "share" is the introduction and the ten questions sent
to a caregiver, which still go whole.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from helpline.content.loader import load_content  # noqa: E402
from helpline.core import compose, pieces  # noqa: E402
from helpline.core.prompts import deployment_values  # noqa: E402
from helpline.core.segments import analyse  # noqa: E402

BEFORE = Path(__file__).with_name("sms_cost_before.json")


def _segments(messages: list[str]) -> int:
    return sum(analyse(message).segments for message in messages)


def costs(content_dir: Path) -> list[dict]:
    """Per language: each keyword's reply now, the whole section by MORE and by ALL."""
    codes = [p.stem for p in sorted(content_dir.glob("*.yaml")) if p.stem != "catalogue"]
    content = load_content(content_dir, ["en", *(c for c in codes if c != "en")])
    values = deployment_values({})
    rows = []
    for pack in content:
        row: dict = {"code": pack.code, "alphabet": pack.meta.sms_alphabet, "keyword": {},
                     "more": {}, "all": {}}
        for intent in ("menu", "help"):
            ids = compose.reply_ids(pack, content.catalogue, intent)
            row["keyword"][intent] = _segments(compose.parts(pack, ids, values))
        for section in content.catalogue:
            walk = pieces.pieces(pack, section.id, values)
            row["keyword"][section.id] = _segments([walk[0].text])
            row["more"][section.id] = _segments([p.text for p in walk])
            row["all"][section.id] = _segments(
                compose.parts(pack, compose.section_ids(pack, section.id), values))
        row["share"] = _segments([part for send in compose.share_ids(pack, "questions")
                                  for part in compose.parts(pack, send, values)])
        rows.append(row)
    return rows


def before() -> dict[str, dict[str, int]]:
    return json.loads(BEFORE.read_text(encoding="utf-8"))["segments"]


def tables(rows: list[dict]) -> list[list[list[str]]]:
    """Two tables: keyword replies before -> after per language; whole sections now."""
    old = before()
    codes = [row["code"] for row in rows]
    keywords = list(rows[0]["keyword"])
    first = [["keyword", *codes]]
    for keyword in keywords:
        first.append([keyword.upper(), *(
            f"{old.get(r['code'], {}).get(keyword, '?')} -> {r['keyword'][keyword]}"
            for r in rows)])
    first.append(["all keywords", *(
        f"{sum(old.get(r['code'], {}).get(k, 0) for k in keywords)} -> "
        f"{sum(r['keyword'].values())}" for r in rows)])
    second = [["section (whole)", *codes]]
    for section in rows[0]["more"]:
        second.append([section.upper(), *(
            f"{r['more'][section]} by MORE / {r['all'][section]} by ALL" for r in rows)])
    second.append(["SHARE (caregiver)", *(
        f"{old.get(r['code'], {}).get('share', '?')} -> {r['share']}" for r in rows)])
    return [first, second]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=REPO / "scripts_content")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    for table in tables(costs(args.content)):
        if args.markdown:
            print("| " + " | ".join(table[0]) + " |")
            print("|---|" + "---:|" * (len(table[0]) - 1))
            for line in table[1:]:
                print("| " + " | ".join(line) + " |")
        else:
            for line in table:
                print("  ".join(f"{cell:>24}" if i else f"{cell:<18}"
                                for i, cell in enumerate(line)))
        print()


if __name__ == "__main__":
    main()
