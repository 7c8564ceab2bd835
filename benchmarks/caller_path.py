"""The caller's clock: seconds of speech before each thing a caller may want.

    .venv/bin/python benchmarks/caller_path.py [--markdown out.md] [--show]

Computed from the content, the phone menu and the shipped audio, with no telephone: the real
app answers each step of a call (as Twilio would post it), and every ``<Play>`` counts for the
duration of its file in ``audio/manifest.json`` (a ``<Say>`` for its words at 150 a minute, a
``<Pause>`` for its length).

Three callers walk each path:
- **hears all** hears every prompt to the end before pressing a key;
- **listens for the key** presses as soon as the sentence announcing the key they need ends,
  each time (Twilio lets a caller cut into a prompt); the time into a prompt is estimated from
  the position of that sentence's last word;
- **knows the keys** presses at once when the key was announced earlier in the call.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from helpline import create_app  # noqa: E402
from helpline.core.pace import MIN_UNITS_TO_JUDGE  # noqa: E402
from helpline.core.prompts import SLOW_SUFFIX  # noqa: E402
from helpline.simulator.dispatch import transcript_for  # noqa: E402
from helpline.store import get_store  # noqa: E402
from helpline.store.callers import Stopped  # noqa: E402

SAY_WORDS_PER_MINUTE = 150
CALLER = "+447400123456"
CAREGIVER = "07911123456"


@dataclass(frozen=True)
class Heard:
    """One prompt a caller hears: its audio id (or "say"), words and seconds."""

    prompt: str
    words: str
    seconds: float

    def until(self, phrase: str) -> float | None:
        """Seconds into this prompt at the end of the sentence that says ``phrase``."""
        at = self.words.lower().find(phrase.lower())
        if at < 0:
            return None
        ends = [m.end() for m in re.finditer(r"[.!?](\s|$)", self.words)]
        end = next((e for e in ends if e > at), len(self.words))
        share = len(self.words[:end].split()) / max(1, len(self.words.split()))
        return self.seconds * share


@dataclass(frozen=True)
class Step:
    """What the caller does next: a key (or words), and the phrase that announces it."""

    digits: str = ""
    speech: str = ""
    announced_by: str = ""


@dataclass(frozen=True)
class CallerPath:
    name: str
    steps: tuple[Step, ...]
    target: str  # an audio id (prefix) heard after the last step
    languages: str = "en"
    #: A caller who asked to be remembered on an earlier call, and stopped at question 7.
    returning: bool = False


def press(key: str, announced_by: str | None = None) -> Step:
    return Step(digits=key, announced_by=f"press {key}" if announced_by is None else announced_by)


PATHS = (
    CallerPath("first main-menu choice", (), "menu.main"),
    CallerPath("whole main menu heard", (), ""),
    CallerPath("first checklist item", (press("2"),), "checklist.pathology"),
    CallerPath("question 7", (press("3"),) + (press("9"),) * 6, "questions.q07"),
    CallerPath("second script", (press("1"), press("2")), "scripts.emotional"),
    CallerPath("second China piece", (press("4"), press("9")), "international.specialties"),
    CallerPath("a question again", (press("3"), press("#", "press the hash key")),
               "questions.q01"),
    CallerPath("back a question", (press("3"), press("9"), press("*", "press the star key")),
               "questions.q01"),
    CallerPath("a question slower", (press("3"), press("7")), "questions.q01"),
    CallerPath("caregiver send (all ten)", (press("3"), press("6"), press("3"), Step(
        digits=CAREGIVER + "#", announced_by="hash key"), press("1")), "caregiver.sent"),
    CallerPath("all ten questions texted", (press("3"), press("6"), press("2")),
               "voice.text_sent"),
    CallerPath("questions people ask", (press("9"), press("3")), "faq.intro"),
    CallerPath("returning: question 7 again", (press("1"),), "questions.q07", returning=True),
    CallerPath("first choice, six languages", (), "menu.main", languages="en,zh,es,ar,ru,fr"),
)


class Caller:
    """Walks one call through the real app and hears what Twilio would play."""

    def __init__(self, languages: str) -> None:
        folder = tempfile.mkdtemp(prefix="caller-path-")
        self.app = create_app({"TESTING": True, "INSTANCE_PATH": folder,
                               "DATABASE_URL": f"sqlite:///{folder}/helpline.sqlite3",
                               "HELPLINE_LANGUAGES": languages, "HELPLINE_LOCAL_MODE": "1"})
        self.client = self.app.test_client()
        manifest = json.loads((REPO / "audio" / "manifest.json").read_text())
        self.audio = {entry["file"]: entry for entry in manifest["entries"]}
        self.call = {"CallSid": "CA" + "4" * 32, "From": CALLER, "To": "+15005550006"}

    def _heard(self, twiml: bytes) -> tuple[list[Heard], str]:
        root = ET.fromstring(twiml)
        heard, action = [], ""
        for node in root.iter():
            if node.tag == "Gather" and not action:
                action = node.get("action", "")
            elif node.tag == "Play":
                tail = "/".join(urlsplit(node.text or "").path.split("/")[-2:])
                entry = self.audio.get(tail)
                words = transcript_for(self.app, node.text or "") or ""
                seconds = entry["duration"] if entry else 0.0
                heard.append(Heard(entry["id"] if entry else tail, words, seconds))
            elif node.tag == "Pause":
                heard.append(Heard("pause", "", float(node.get("length", "1"))))
            elif node.tag == "Say":
                words = node.text or ""
                heard.append(Heard("say", words,
                                   len(words.split()) * 60 / SAY_WORDS_PER_MINUTE))
        redirect = root.find("Redirect")
        return heard, action or (redirect.text if redirect is not None else "")

    def remember(self, screen: str, piece: int) -> None:
        """As if this caller had asked to be remembered, and stopped at ``screen``."""
        with self.app.app_context():
            with get_store().transaction() as tx:
                tx.callers.remember(CALLER, Stopped("en", screen, piece))

    def forget(self) -> None:
        with self.app.app_context():
            with get_store().transaction() as tx:
                tx.callers.forget(CALLER)

    def walk(self, steps: tuple[Step, ...]) -> list[tuple[Step | None, list[Heard]]]:
        answer = self.client.post("/voice", data=self.call)
        heard, action = self._heard(answer.data)
        if heard and heard[0].prompt.startswith("language."):
            # Several languages: the caller presses 1 for English when it is offered.
            walked = [(None, heard)]
            first = Step(digits="1", announced_by="press 1")
            answer = self.client.post(action, data={**self.call, "Digits": "1"})
            heard, action = self._heard(answer.data)
            walked.append((first, heard))
        else:
            walked = [(None, heard)]
        for step in steps:
            form = {**self.call, **({"Digits": step.digits} if step.digits else {}),
                    **({"SpeechResult": step.speech} if step.speech else {})}
            answer = self.client.post(action, data=form)
            heard, action = self._heard(answer.data)
            walked.append((step, heard))
        return walked


HEARS_ALL, LISTENS, KNOWS = "hears all", "listens for the key", "knows the keys"


def seconds_to_target(walked, target: str, caller: str) -> float | None:
    """Speech heard before ``target`` starts (or, for ``menu.main``, before its first choice
    ends; with no target, the whole first answer)."""
    total = 0.0
    announced: set[str] = set()
    for index, (_, heard) in enumerate(walked):
        last = index == len(walked) - 1
        if last:
            for item in heard:
                if target == "menu.main" and item.prompt == "menu.main":
                    return total + (item.until("press 1") or item.seconds)
                if target and item.prompt.startswith(target):
                    return total
                total += item.seconds
            return total if not target else None
        nxt = walked[index + 1][0]
        phrase = (nxt.announced_by if nxt else "") or ""
        for item in heard:
            if caller == KNOWS and phrase and phrase in announced:
                break
            at = item.until(phrase) if phrase else None
            if caller != HEARS_ALL and at is not None:
                total += at
                break
            total += item.seconds
        for item in heard:
            for found in re.findall(r"press \S+?(?=[ ,.]|$)", item.words.lower()):
                announced.add(found)
    return total


def words_per_minute(slow: bool = False) -> tuple[float, float, float, str]:
    """Mean, lowest and highest pace of the shipped English audio (or of its slow renderings),
    and the fastest prompt; prompts too short to judge are left out, as audio status does."""
    caller = Caller("en")
    paces = []
    for entry in caller.audio.values():
        if entry["language"] != "en" or entry["id"].endswith(SLOW_SUFFIX) != slow:
            continue
        words = transcript_for(caller.app, "/audio/" + entry["file"]) or ""
        if len(words.split()) >= MIN_UNITS_TO_JUDGE and entry["duration"] > 0:
            paces.append((len(words.split()) * 60 / entry["duration"], entry["id"]))
    paces.sort()
    mean = sum(p for p, _ in paces) / len(paces)
    return mean, paces[0][0], paces[-1][0], paces[-1][1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--markdown", help="also write the table to this file")
    parser.add_argument("--show", action="store_true", help="print what each path hears")
    args = parser.parse_args()

    kinds = (HEARS_ALL, LISTENS, KNOWS)
    rows = ["| to reach | keys | " + " | ".join(f"{k} (s)" for k in kinds) + " |",
            "|---|---|---:|---:|---:|"]
    callers: dict[str, Caller] = {}
    for path in PATHS:
        caller = callers.setdefault(path.languages, Caller(path.languages))
        if path.returning:
            caller.remember("questions", 6)
        walked = caller.walk(path.steps)
        if path.returning:
            caller.forget()
        keys = " ".join(s.digits or f"“{s.speech}”" for s, _ in walked if s) or "none"
        shown = [seconds_to_target(walked, path.target, kind) for kind in kinds]
        cells = " | ".join(f"{x:.1f}" if x is not None else "not reached" for x in shown)
        rows.append(f"| {path.name} | {keys} | {cells} |")
        if args.show:
            for step, heard in walked:
                print(step, [(h.prompt, round(h.seconds, 1)) for h in heard])
    mean, low, high, fastest_prompt = words_per_minute()
    slow_mean, slow_low, slow_high, _ = words_per_minute(slow=True)
    rows.append("")
    rows.append(f"Shipped English audio: {mean:.0f} words a minute on average, {low:.0f} to "
                f"{high:.0f} ({fastest_prompt} fastest); its slow renderings {slow_mean:.0f}, "
                f"{slow_low:.0f} to {slow_high:.0f}.")
    table = "\n".join(rows)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
