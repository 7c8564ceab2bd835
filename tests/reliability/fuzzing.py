"""Signed fuzzing of every Twilio webhook: hostile values in every field, each request signed
exactly as Twilio signs it, so it gets past the signature check and into the handlers.

Shared by the fast test (tests/reliability/test_fuzz.py, a few hundred requests) and the full
run (``benchmarks/fuzz.py``, ten thousand or more). Values come from a seeded ``random.Random``
so a failure can be replayed with its seed. Action URLs are harvested from the TwiML answers
(``Gather/@action``, ``Redirect``, ``Dial/@action``), so every URL a real call produces is
posted to, as are mutated copies of them.

What every answer must be: HTTP 200, ``text/xml``, a TwiML ``<Response>`` using only verbs
Twilio knows in that place, under Twilio's 64 kB limit, every ``<Message>`` at most 1600
characters; and no handler may have failed on the way (an apology logged by an error handler
counts as a failure too, even though the caller heard something sensible).
"""

from __future__ import annotations

import logging
import random
import time
import xml.etree.ElementTree as ET
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

from twilio.request_validator import RequestValidator
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request as WerkzeugRequest

from helpline.app import MAX_REQUEST_BYTES

AUTH_TOKEN = "12345678901234567890123456789012"
PUBLIC_URL = "https://helpline.example.org"
ACCOUNT_SID = "AC" + "0" * 32

#: What a helpline under fuzzing is configured with (besides its instance folder and database).
FUZZ_SETTINGS = {
    "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
    "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
    "TWILIO_FROM_NUMBER": "+15005550006",
    "HELPLINE_PUBLIC_URL": PUBLIC_URL,
    "HELPLINE_SECRET_KEY": "fuzzing-secret-key-for-hashing-numbers",
    # Key 0 hands the call to a person at any hour, so <Dial> and its action are fuzzed too.
    "HELPLINE_TRANSFER_NUMBER": "+441234567890",
    "HELPLINE_OPENING_HOURS": "mon-sun 00:00-24:00",
    "HELPLINE_CRISIS_LINE": "116 123",
}

#: TwiML verbs allowed under <Response>, and under <Gather>, per channel.
VOICE_VERBS = {"Say", "Play", "Gather", "Redirect", "Hangup", "Dial", "Pause", "Reject"}
GATHER_NOUNS = {"Say", "Play", "Pause"}
MESSAGING_VERBS = {"Message", "Redirect"}
TWIML_LIMIT = 64_000

LANGUAGES = ("en", "zh", "es", "ar", "ru", "fr")
SCREENS = ("language", "main", "scripts_menu", "caregiver_number", "caregiver_confirm",
           "scripts", "checklist", "questions", "international", "support", "transfer")

#: Numbers a texter or caller could really have, and the ones nobody has.
GOOD_NUMBERS = ("+447400123001", "+447400123002", "+14155550100", "+8613800138000",
                "+966501234567", "+79161234567", "+33612345678", "+5215512345678")
BAD_NUMBERS = ("", "+", "anonymous", "Anonymous", "restricted", "client:alice",
               "sip:bob@example.org", "+999999999999999999999", "00447400123456", "07400123456",
               "+4474001", "+44 7400 123 456", "+４４７４００１２３４５６", "+٤٤٧٤٠٠١٢٣٤٥٦",
               "+1 (415) 555-0100", "266696687", "+000000000000", "+1\x00415", "+44%007400",
               "+44\u202e7400123456", "x" * 300)
WORDS = ("STOP", "stop!!", "Stop.", " START ", "UNSTOP", "HELP", "INFO", "YES", "CHECKLIST",
         "checklist", "CHEKLIST", "QUESTIONS", "SCRIPTS", "SCRIPT 2", "script9", "MENU", "1", "5",
         "9", "0", "CHINA", "SUPPORT", "FORGET", "SHARE", "SHARE +447400123002",
         "SHARE 07400 123002",
         "SHARE +44", "SHARE abc", "SHARE " + "9" * 40, "share +14155550100 please",
         "Español", "中文", "العربية", "Русский", "Français", "ARRET", "退订", "ОТПИСАТЬСЯ",
         "I want to kill myself", "heavy bleeding", "can't breathe", "lista", "preguntas",
         "next", "repeat", "previous", "text me", "menu", "operator", "yes", "no")
NASTY = ("", " ", "\n\r\t", "\x00", "\x00" * 50, "\ufeff", "\u200b\u200d", "\u202e", "\ud7ff",
         "]]>", "<Response><Say>hi</Say></Response>", "&amp;&lt;", "{helpline_name}", "{0}",
         "%s%s%n", "%(x)s", "$(reboot)", "'; DROP TABLE contacts; --", "../../etc/passwd",
         "😀" * 40, "👨‍👩‍👧‍👦🇬🇧", "ﷺ" * 30, "Z̷̢͎̓a̸̡͐l̴̰̈́g̵̣̈o̴̜̐" * 10, "١٢٣", "１２３", "Ⅻ",
         "\u0301\u0301", "e\u0301" * 200, "NaN", "Infinity", "-1", "1e309", "0x1F", "9" * 400,
         "true", "null", "None")
DIGITS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "*", "#", "**", "##", "1#", "*#",
          "12", "99", "00447400123002#", "447400123002", "7400123002", "123", "1234567890123456",
          "1" * 15, "1" * 16, "1" * 200, "١", "１", "²", "³³³³³³³", " 1", "1 ", "w", "A", "-1",
          "+447400123002")
#: Characters that are digits to some of Python's tests and not to others ("²".isdigit() is
#: True, int("²") fails): a keypad never sends them, a forged request might.
UNICODE_DIGITS = ("²", "³", "¹", "١", "٣", "１", "߁", "𝟙", "৩", "Ⅻ", "½", "〇", "²²²²²²", "١٢٣٤٥٦٧")
CALL_STATUSES = ("queued", "ringing", "in-progress", "completed", "busy", "failed",
                 "no-answer", "canceled", "", "COMPLETED", "x")
MESSAGE_STATUSES = ("queued", "sending", "sent", "delivered", "undelivered", "failed", "read",
                    "accepted", "scheduled", "canceled", "receiving", "received", "", "DELIVERED")


def _words_to_text(rng: random.Random, size: int) -> str:
    alphabet = [chr(rng.randrange(0x20, 0x7F)) for _ in range(20)]
    alphabet += [chr(rng.choice((rng.randrange(0xA0, 0x2FFF), rng.randrange(0x3000, 0xD7FF),
                                 rng.randrange(0xE000, 0xFFFD), rng.randrange(0x10000, 0x10FFFF))))
                 for _ in range(20)]
    return "".join(rng.choice(alphabet) for _ in range(size))


class Values:
    """Hostile and ordinary values for each kind of field."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def text(self, max_size: int = 300) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.35:
            return rng.choice(WORDS)
        if roll < 0.55:
            return rng.choice(NASTY)
        if roll < 0.65:  # a word dressed up: case, punctuation, emoji, padding
            word = rng.choice(WORDS)
            word = "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in word)
            return rng.choice(("", " ", "¡", "*")) + word + rng.choice(("", "!!", ".", " 🙏", "?"))
        if roll < 0.9:
            return _words_to_text(rng, rng.randrange(0, max_size))
        if roll < 0.97:  # big
            return _words_to_text(rng, rng.randrange(1_000, 6_000))
        return rng.choice(WORDS) + " " * rng.randrange(0, 3) + rng.choice(NASTY)

    def number(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.6:
            return rng.choice(GOOD_NUMBERS)
        if roll < 0.9:
            return rng.choice(BAD_NUMBERS)
        return "+" + "".join(rng.choice("0123456789") for _ in range(rng.randrange(1, 25)))

    def digits(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.55:
            return rng.choice(DIGITS)
        if roll < 0.7:
            return rng.choice(UNICODE_DIGITS)
        if roll < 0.9:
            return "".join(rng.choice("0123456789*#") for _ in range(rng.randrange(1, 30)))
        return self.text(40)

    def anything(self) -> str:
        rng = self.rng
        return rng.choice((self.text, self.number, self.digits, lambda: rng.choice(NASTY)))()

    def sid(self, prefix: str) -> str:
        rng = self.rng
        if rng.random() < 0.85:
            return prefix + "".join(rng.choice("0123456789abcdef") for _ in range(32))
        return self.anything()[:200]


@dataclass
class Request:
    path: str  # with its query string, as posted
    body: bytes
    endpoint: str


@dataclass
class Answer:
    status: int
    mimetype: str
    body: bytes


@dataclass
class FuzzReport:
    requests: int = 0
    by_endpoint: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    handler_errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    action_urls: int = 0

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    def summary(self) -> str:
        errors = len(self.failures) + len(self.handler_errors)
        five_xx = sum(count for status, count in self.statuses.items() if status >= 500)
        return (f"{self.requests} signed requests, {errors} errors "
                f"({five_xx} 5xx, {len(self.failures)} bad answers, "
                f"{len(self.handler_errors)} handler failures), "
                f"{self.action_urls} distinct action URLs, p50 "
                f"{self.percentile(0.5) * 1000:.1f} ms, p99 {self.percentile(0.99) * 1000:.1f} ms")


class HandlerErrors(logging.Handler):
    """Collects ERROR lines from the helpline's own loggers: an error handler that apologised.

    The fallback URLs log an error on purpose (Twilio reached them): those do not count.
    """

    EXPECTED = ("used the voice fallback URL", "used the SMS fallback URL")

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith("helpline"):
            return
        message = record.getMessage()
        if any(expected in message for expected in self.EXPECTED):
            return
        detail = record.exc_text or ""
        self.lines.append(f"{record.name}: {message}\n{detail[-1500:]}")


Poster = Callable[[str, bytes, dict[str, str]], Answer]


class Fuzzer:
    """Makes hostile signed requests, posts them, and checks every answer."""

    def __init__(self, post: Poster, seed: int, token: str = AUTH_TOKEN,
                 public_url: str = PUBLIC_URL):
        self.post = post
        self.rng = random.Random(seed)
        self.values = Values(self.rng)
        self.validator = RequestValidator(token)
        self.public_url = public_url
        self.actions: deque[str] = deque(maxlen=400)
        self.seen_actions: set[str] = set()
        self.call_sids = [self.values.sid("CA") for _ in range(20)]

    # -- making requests --------------------------------------------------------------------

    def sign(self, path: str, body: bytes) -> str:
        """Sign as Twilio does: the public URL with the query, and the form as the server
        decodes it (werkzeug keeps a percent sequence that is not UTF-8 as it was sent)."""
        form = WerkzeugRequest(EnvironBuilder(
            method="POST", data=body, content_type="application/x-www-form-urlencoded",
        ).get_environ()).form
        path_part, _, query = path.partition("?")
        url = self.public_url + path_part + (f"?{query}" if query else "")
        return self.validator.compute_signature(url, form)

    def _encode(self, fields: list[tuple[str, str]]) -> bytes:
        rng = self.rng
        body = urlencode(fields, encoding="utf-8", errors="surrogatepass").encode("ascii")
        roll = rng.random()
        if roll < 0.03:  # bytes that are not UTF-8, percent-encoded as a broken client might
            body += b"&Body=%FF%FE%C0%AF" + b"%ED%A0%80" * rng.randrange(1, 4)
        elif roll < 0.05:  # a field repeated
            body += b"&" + body
        elif roll < 0.07:  # a very large form: many unknown fields
            body += b"&" + urlencode([(f"X{n}", "y" * 50) for n in range(800)]).encode()
        elif roll < 0.08:  # no form at all
            body = b""
        return body

    def _call_fields(self, **extra: str | None) -> list[tuple[str, str]]:
        rng, v = self.rng, self.values
        fields = {
            "CallSid": rng.choice(self.call_sids) if rng.random() < 0.9 else v.sid("CA"),
            "AccountSid": ACCOUNT_SID, "From": v.number(), "To": "+15005550006",
            "CallStatus": rng.choice(CALL_STATUSES), "Direction": "inbound",
            "ApiVersion": "2010-04-01", "Caller": v.number(),
        }
        fields.update({k: val for k, val in extra.items() if val is not None})
        return self._scramble(fields)

    def _scramble(self, fields: dict[str, str]) -> list[tuple[str, str]]:
        """Drop or replace a field now and then: Twilio's fields are not a promise."""
        rng, v = self.rng, self.values
        out = []
        for name, value in fields.items():
            roll = rng.random()
            if roll < 0.05:
                continue
            if roll < 0.12:
                value = v.anything()
            out.append((name, value))
        return out

    def _step_url(self) -> str:
        rng, v = self.rng, self.values
        if self.actions and rng.random() < 0.85:
            url = rng.choice(self.actions)
            if rng.random() < 0.7:
                return url
            # Mutate a real action URL: a forged, stale or truncated position.
            path, _, query = url.partition("?")
            params = parse_qsl(query, keep_blank_values=True)
            choice = rng.random()
            if params and choice < 0.4:
                index = rng.randrange(len(params))
                params[index] = (params[index][0], v.anything()[:60])
            elif choice < 0.6:
                params.append((rng.choice(["s", "l", "i", "r", "d", "show", "err", "x"]),
                               v.anything()[:60]))
            elif choice < 0.7:
                params = params[: rng.randrange(len(params) + 1)]
            else:
                params.append(("bodySHA256", "0" * 64))
            return path + ("?" + urlencode(params) if params else "")
        query = {}
        for name, pool in (("s", SCREENS), ("l", LANGUAGES), ("i", ("0", "3", "9", "10", "-1",
                                                                       "999", "٣", "²")),
                           ("r", ("0", "1", "2", "3", "77")), ("d", DIGITS),
                           ("show", ("1", "")), ("err", ("1",))):
            if rng.random() < 0.5:
                query[name] = rng.choice(pool) if rng.random() < 0.8 else v.anything()[:60]
        path = rng.choice(("/voice/step", "/voice/transfer-done"))
        return path + ("?" + urlencode(query) if query else "")

    def make(self) -> Request:
        rng, v = self.rng, self.values
        roll = rng.random()
        if roll < 0.07:
            return self._request("/voice", "voice", self._call_fields(CallStatus="ringing"))
        if roll < 0.47:
            path = self._step_url()
            extra: dict[str, str | None] = {}
            kind = rng.random()
            if kind < 0.6:
                extra["Digits"] = v.digits()
            elif kind < 0.85:
                extra["SpeechResult"] = v.text()
                extra["Confidence"] = rng.choice(("0.9", "0", "-1", "abc", ""))
            if rng.random() < 0.2:
                extra["DialCallStatus"] = rng.choice(("completed", "busy", "no-answer",
                                                      "failed", "canceled", v.anything()[:40]))
            endpoint = "voice_step" if path.startswith("/voice/step") else "voice_transfer_done"
            return self._request(path, endpoint, self._call_fields(**extra))
        if roll < 0.52:
            return self._request("/voice/status", "voice_status", self._call_fields(
                CallStatus=rng.choice(CALL_STATUSES), CallDuration=rng.choice(
                    ("0", "59", "61", "3600", "-5", "1e309", "abc", "9" * 50, ""))))
        if roll < 0.54:
            return self._request("/voice/fallback", "voice_fallback", self._call_fields(
                ErrorCode=v.anything()[:20], ErrorUrl=v.anything()[:200]))
        if roll < 0.87:
            return self._request("/sms", "sms", self._scramble({
                "MessageSid": v.sid("SM"), "SmsSid": v.sid("SM"), "AccountSid": ACCOUNT_SID,
                "From": v.number(), "To": "+15005550006", "Body": v.text(),
                "NumMedia": rng.choice(("0", "1", "10", "-1", "x")), "NumSegments": "1",
                "FromCountry": rng.choice(("GB", "US", "CN", "", "??")),
            }))
        if roll < 0.97:
            return self._request("/sms/status", "sms_status", self._scramble({
                "MessageSid": v.sid("SM"), "MessageStatus": rng.choice(MESSAGE_STATUSES),
                "ErrorCode": rng.choice(("", "30003", "30007", "21610", v.anything()[:30])),
                "AccountSid": ACCOUNT_SID, "To": v.number(), "From": "+15005550006",
            }))
        return self._request("/sms/fallback", "sms_fallback", self._scramble({
            "MessageSid": v.sid("SM"), "From": v.number(), "Body": v.text(),
            "ErrorCode": v.anything()[:20], "ErrorUrl": v.anything()[:200]}))

    def _request(self, path: str, endpoint: str, fields: list[tuple[str, str]]) -> Request:
        return Request(path, self._encode(fields), endpoint)

    # -- checking answers -------------------------------------------------------------------

    def check(self, request: Request, answer: Answer) -> str | None:
        """What is wrong with the answer, or None."""
        if len(request.body) > MAX_REQUEST_BYTES:
            # Twilio never posts a form this big (an SMS body is at most 1,600 characters):
            # it is refused before it is parsed, and Twilio would try the fallback URL.
            return None if answer.status == 413 else f"HTTP {answer.status} to an oversized body"
        if answer.status != 200:
            return f"HTTP {answer.status}"
        if answer.mimetype != "text/xml":
            return f"answered {answer.mimetype}, not text/xml"
        if len(answer.body) > TWIML_LIMIT:
            return f"TwiML of {len(answer.body)} bytes, over Twilio's limit"
        try:
            root = ET.fromstring(answer.body)
        except ET.ParseError as exc:
            return f"not XML: {exc}"
        if root.tag != "Response":
            return f"root <{root.tag}>"
        voice = request.endpoint.startswith("voice")
        allowed = VOICE_VERBS if voice else MESSAGING_VERBS
        for child in root:
            if child.tag not in allowed:
                return f"<{child.tag}> under <Response>"
            if child.tag == "Gather":
                action = child.get("action") or ""
                if not action.startswith("/voice/step?"):
                    return f"Gather action {action!r}"
                if any(noun.tag not in GATHER_NOUNS for noun in child):
                    return "a verb Twilio does not allow inside <Gather>"
                self._harvest(action)
                if not any(noun.tag in ("Say", "Play") for noun in child):
                    return "a <Gather> with nothing to hear"
            elif child.tag == "Redirect":
                target = (child.text or "").strip()
                if not target.startswith("/voice/" if voice else "/sms"):
                    return f"Redirect to {target!r}"
                self._harvest(target)
            elif child.tag == "Dial":
                self._harvest(child.get("action") or "")
            elif child.tag == "Message":
                if len(child.text or "") > 1600:
                    return f"a <Message> of {len(child.text or '')} characters"
            elif child.tag in ("Say", "Play") and not (child.text or "").strip():
                return f"an empty <{child.tag}>"
        if voice and request.endpoint not in ("voice_status",) and len(root) == 0:
            return "an empty answer on a call: dead air"
        return None

    def _harvest(self, url: str) -> None:
        if not url.startswith("/voice/"):
            return
        split = urlsplit(url)
        url = split.path + (f"?{split.query}" if split.query else "")
        if url not in self.seen_actions:
            self.seen_actions.add(url)
            if len(self.seen_actions) > 50_000:
                self.seen_actions.clear()
        self.actions.append(url)

    # -- running ----------------------------------------------------------------------------

    def run(self, count: int, report: FuzzReport | None = None,
            between: Callable[[int], None] | None = None) -> FuzzReport:
        report = report or FuzzReport()
        errors = HandlerErrors()
        helpline_log = logging.getLogger("helpline")
        level = helpline_log.level
        if helpline_log.getEffectiveLevel() > logging.ERROR:
            helpline_log.setLevel(logging.ERROR)  # or the errors never reach our handler
        helpline_log.addHandler(errors)
        try:
            for n in range(count):
                request = self.make()
                headers = {"X-Twilio-Signature": self.sign(request.path, request.body),
                           "Content-Type": "application/x-www-form-urlencoded"}
                started = time.perf_counter()
                answer = self.post(request.path, request.body, headers)
                report.latencies.append(time.perf_counter() - started)
                report.requests += 1
                report.by_endpoint[request.endpoint] += 1
                report.statuses[answer.status] += 1
                problem = self.check(request, answer)
                if problem:
                    report.failures.append(
                        f"{problem}: POST {request.path[:200]} body={request.body[:300]!r} "
                        f"answer={answer.body[:300]!r}")
                if errors.lines:
                    report.handler_errors.extend(
                        f"POST {request.path[:200]} body={request.body[:300]!r}\n{line}"
                        for line in errors.lines)
                    errors.lines.clear()
                if between is not None:
                    between(n)
        finally:
            helpline_log.removeHandler(errors)
            helpline_log.setLevel(level)
        report.action_urls = len(self.seen_actions)
        return report


def flask_poster(client) -> Poster:
    """Post through Flask's test client: the whole app, in this process."""

    def post(path: str, body: bytes, headers: dict[str, str]) -> Answer:
        response = client.post(path, data=body, headers=headers)
        return Answer(response.status_code, response.mimetype or "", response.data)

    return post


def http_poster(base_url: str, timeout: float = 15.0) -> Poster:
    """Post to a running server (loopback only), one keep-alive connection."""
    import http.client

    split = urlsplit(base_url)
    if split.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("the fuzzer only targets a server on this machine (loopback)")
    state: dict[str, http.client.HTTPConnection] = {}

    def post(path: str, body: bytes, headers: dict[str, str]) -> Answer:
        for attempt in (1, 2):
            conn = state.get("c") or http.client.HTTPConnection(split.hostname, split.port,
                                                                timeout=timeout)
            state["c"] = conn
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                mimetype = (response.getheader("Content-Type") or "").split(";")[0].strip()
                return Answer(response.status, mimetype, data)
            except (ConnectionError, http.client.HTTPException):
                conn.close()
                state.pop("c", None)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    return post
