"""Read the figures back out of each output, as (section, label, value) rows."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser


class _PageRows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, str, str]] = []
        self._row: dict | None = None
        self._in_td = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-section" in attrs:
            self._row = {"section": attrs["data-section"], "label": attrs["data-label"],
                         "value": ""}
        elif tag == "td" and self._row is not None:
            self._in_td = True

    def handle_endtag(self, tag):
        if tag == "td":
            self._in_td = False
        elif tag == "tr" and self._row is not None:
            self.rows.append((self._row["section"], self._row["label"], self._row["value"]))
            self._row = None

    def handle_data(self, data):
        if self._in_td and self._row is not None:
            self._row["value"] += data.strip()


def page_rows(html: str) -> list[tuple[str, str, str]]:
    parser = _PageRows()
    parser.feed(html)
    return parser.rows


def csv_rows(text: str) -> list[tuple[str, str, str]]:
    reader = csv.reader(io.StringIO(text))
    assert next(reader) == ["section", "label", "value"]
    return [tuple(row) for row in reader]


def json_rows(text: str) -> list[tuple[str, str, str]]:
    data = json.loads(text)
    return [(s["section"], f["label"], str(f["value"]))
            for s in data["sections"] for f in s["figures"]]


def table_rows(text: str) -> list[tuple[str, str, str]]:
    rows, section = [], None
    for line in text.splitlines():
        heading = re.fullmatch(r".+ \[(\w+)\]", line)
        if heading:
            section = heading.group(1)
        elif line.startswith("      what to do: "):
            continue
        elif line.startswith("  ") and section:
            label, value = re.fullmatch(r"  (.+?)\s+(\S+)", line).groups()
            rows.append((section, label, value))
    return rows


def by_key(rows: list[tuple[str, str, str]]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for section, label, value in rows:
        out.setdefault(section, {})[label] = value
    return out
