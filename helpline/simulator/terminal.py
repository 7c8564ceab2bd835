"""A simulated call driven from a list of inputs: what the terminal simulator runs.

It acts on each TwiML answer as Twilio would (prompts, then listen; redirect; hang up) and
reports what the caller heard through ``emit``. The webhook is reached through ``post``, so
this module knows nothing of Flask.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from .dispatch import WebhookAnswer, webhook_path
from .twiml import Gather, TwimlError, Verb, audio_label, parse_voice, screen_of

#: Exit codes of ``helpline simulate call`` (see its --help).
OK, INPUT_LEFT, HELPLINE_ERROR = 0, 1, 3
#: Answers in a row without anything to listen to before the call counts as stuck.
MAX_REDIRECTS = 10
#: A keys token that means "press nothing and let the menu time out".
SILENCE = "_"

Post = Callable[[str, dict[str, str]], WebhookAnswer]
Emit = Callable[[str, str], None]


@dataclass(frozen=True)
class Input:
    """One thing the caller does: keys to press (``kind`` "keys") or words to say ("say")."""

    kind: str
    value: str


def inputs_from(steps: Iterable[tuple[str, str]]) -> list[Input]:
    """Split ``--keys`` strings into tokens (one pause between each), keep ``--say`` whole."""
    found = []
    for kind, value in steps:
        if kind == "keys":
            found += [Input("keys", token) for token in value.split()]
        elif value.strip():
            found.append(Input("say", value.strip()))
    return found


@dataclass
class CallOutcome:
    exit_code: int
    ending: str
    #: Where the call was listening when the inputs ran out ("" once it ended).
    screen: str = ""
    unused: list[Input] = field(default_factory=list)


class CallSimulation:
    """One call. ``emit(kind, text)`` receives each line; kinds: request, say, play,
    transcript, pause, listen, input, info, end, error."""

    def __init__(self, post: Post, emit: Emit, transcript: Callable[[str], str | None]):
        self.post = post
        self.emit = emit
        self.transcript = transcript

    def run(self, inputs: Iterable[Input]) -> CallOutcome:
        queue = deque(inputs)
        url, fields = "/voice", {"CallStatus": "ringing"}
        quiet_answers = 0
        while True:
            self.emit("request", f"POST {url}")
            answer = self.post(url, fields)
            if answer.status != 200:
                return self._failed(f"the helpline answered HTTP {answer.status}", queue)
            try:
                verbs = parse_voice(answer.body)
            except TwimlError as exc:
                return self._failed(f"the helpline answered something that is not TwiML ({exc})",
                                    queue)
            step = self._act(verbs, url, queue)
            if isinstance(step, CallOutcome):
                return step
            next_url, fields, listened = step
            quiet_answers = 0 if listened else quiet_answers + 1
            if quiet_answers > MAX_REDIRECTS:
                return self._failed("the helpline redirects in a loop without listening", queue)
            url = next_url

    def _act(self, verbs: Iterable[Verb], url: str, queue: deque[Input]):
        """Act on one answer: the next (url, fields, listened) or how the call ended."""
        for verb in verbs:
            if verb.kind == "Gather":
                for child in verb.children:
                    self._prompt(child)
                gather = Gather.of(verb, url)
                heard = self._listen(gather, queue)
                if isinstance(heard, CallOutcome):
                    return heard
                if heard is not None:
                    return self._resolve(url, gather.action), heard, True
            elif verb.kind == "Redirect":
                return self._resolve(url, verb.text), {}, False
            elif verb.kind in ("Hangup", "Reject"):
                return self._ended("the helpline hung up", queue)
            elif verb.kind == "Dial":
                number = next((c.text for c in verb.children if c.kind == "Number"), verb.text)
                self.emit("info", f"transfer to a person at {number}: the simulator reports "
                                  "that nobody answered")
                if verb.get("action"):
                    return (self._resolve(url, verb.get("action")),
                            {"DialCallStatus": "no-answer", "DialCallDuration": "0"}, True)
            else:
                self._prompt(verb)
        return self._ended("the call ended: the helpline gave no more instructions", queue)

    def _prompt(self, verb: Verb) -> None:
        if verb.kind == "Say":
            self.emit("say", f"“{verb.text}”")
        elif verb.kind == "Play":
            self.emit("play", f"▶ {audio_label(verb.text)}")
            words = self.transcript(verb.text)
            if words:
                self.emit("transcript", words)
        elif verb.kind == "Pause":
            self.emit("pause", f"… pause {verb.get('length', '1')} s")
        else:
            self.emit("info", f"(the simulator skips <{verb.kind}>)")

    def _listen(self, gather: Gather, queue: deque[Input]) -> dict[str, str] | CallOutcome | None:
        """The form fields the caller answers with; None when the Gather falls through."""
        screen = screen_of(gather.action)
        ways = " or ".join(w for w, i in (("keys", "dtmf"), ("speech", "speech"))
                           if i in gather.inputs)
        self.emit("listen", f"⌨ listening at {screen} ({ways}, {gather.timeout} s)")
        if not queue:
            return CallOutcome(OK, f"call still open, listening at {screen}", screen)
        current = queue[0]
        if current.kind == "say":
            if "speech" not in gather.inputs:
                return self._stuck(f"nothing listens for speech at {screen}", queue, screen)
            queue.popleft()
            self.emit("input", f"You say “{current.value}”")
            return {"SpeechResult": current.value, "Confidence": "0.92"}
        if current.value == SILENCE:
            queue.popleft()
            self.emit("input", f"You stay silent for {gather.timeout} s")
            return {} if gather.action_on_empty_result else None
        if "dtmf" not in gather.inputs:
            return self._stuck(f"nothing listens for keys at {screen}", queue, screen)
        digits, used, finished = "", 0, ""
        for key in current.value:
            used += 1
            if gather.finish_on_key and key == gather.finish_on_key:
                finished = key
                break
            digits += key
            if gather.num_digits and len(digits) >= gather.num_digits:
                break
        rest = current.value[used:]
        queue.popleft()
        if rest:
            queue.appendleft(Input("keys", rest))
        self.emit("input", f"You press {digits}{finished}")
        fields = {"Digits": digits}
        if finished:
            fields["FinishedOnKey"] = finished
        return fields

    @staticmethod
    def _resolve(current: str, target: str) -> str:
        return webhook_path(urljoin("http://helpline.invalid" + current, target))

    def _ended(self, why: str, queue: deque[Input]) -> CallOutcome:
        self.emit("end", why)
        if queue:
            return self._stuck("the call ended before every input was used", queue, "")
        return CallOutcome(OK, why)

    def _stuck(self, why: str, queue: deque[Input], screen: str) -> CallOutcome:
        unused = list(queue)
        left = " ".join(i.value if i.kind == "keys" else f"say “{i.value}”" for i in unused)
        self.emit("error", f"{why}; not used: {left}")
        return CallOutcome(INPUT_LEFT, why, screen, unused)

    def _failed(self, why: str, queue: deque[Input]) -> CallOutcome:
        self.emit("error", why)
        return CallOutcome(HELPLINE_ERROR, why, unused=list(queue))
