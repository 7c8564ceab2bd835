"""`helpline doctor`: check a deployment from the outside, the way Twilio will meet it.

Every check is a small function that returns one ``CheckResult``; the HTTP ones go through the
public URL, exactly as Twilio and its media fetcher do, and sign their requests with the auth
token as Twilio would. The test call and text carry ``HelplineDoctor=1`` (signed), so the
server counts them as simulated, never as a caller.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

import requests
from twilio.request_validator import RequestValidator

from ..store.records import OutboxActivity
from .health import DOCTOR_FIELD
from .reasons import database_trouble, first_line, missing_for_production, unreachable
from .twilio_setup import SetupError, blockers, changes, check_public_url, desired_webhooks

#: TwiML verbs the helpline answers a call with; anything else means a wrong page answered.
VOICE_VERBS = {"Gather", "Play", "Say", "Pause", "Redirect", "Hangup", "Dial"}
#: Audio caches shorter than this make Twilio fetch the same file on every call.
MIN_AUDIO_MAX_AGE = 3600
#: How many audio files to fetch: enough to catch a broken CDN, few enough to stay quick.
AUDIO_SAMPLE = 4


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool | None  # None: not applicable here, does not fail the run
    detail: str
    warn: bool = False  # passes, but the operator must know (e.g. texts to China)

    def line(self) -> str:
        status = "warn" if self.warn and self.ok else {True: "ok", False: "FAIL",
                                                       None: "skip"}[self.ok]
        return f"{status:<4}  {self.name:<16} {self.detail}"


@dataclass
class Target:
    """The deployment as the doctor sees it, from the same settings the server uses."""

    public_url: str
    auth_token: str
    account_sid: str
    phone_number: str
    allow_http: bool = False
    max_seconds: float = 1.0
    timeout: float = 5.0
    stale_after: timedelta = timedelta(minutes=5)
    daily_texts: int = 1000
    #: Filled by the voice check: the audio URLs the first screen plays.
    played: list[str] = field(default_factory=list)


# -- pure helpers -----------------------------------------------------------------------------


def twiml_problem(body: bytes, verbs: set[str], required: set[str]) -> str | None:
    """Why ``body`` is not TwiML a caller or texter would get something from, or None."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        return f"not XML ({exc})"
    if root.tag != "Response":
        return f"root element is <{root.tag}>, not <Response>"
    tags = {child.tag for child in root.iter() if child is not root}
    unknown = sorted(tags - verbs - {"Say", "Play", "Message", "Body", "Number", "Pause"})
    if unknown:
        return f"unexpected TwiML {', '.join('<' + t + '>' for t in unknown)}"
    if not tags & required:
        return f"no {' or '.join('<' + t + '>' for t in sorted(required))} in the answer"
    return None


def play_urls(body: bytes, base: str) -> list[str]:
    """The absolute URLs of every <Play> in a TwiML answer."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return []
    return [urljoin(base, (play.text or "").strip()) for play in root.iter("Play") if play.text]


def cache_problem(cache_control: str) -> str | None:
    """Why Twilio (or a CDN) would fetch this file again on every call, or None."""
    directives = {}
    for part in cache_control.split(","):
        name, _, value = part.strip().partition("=")
        if name:
            directives[name.lower()] = value.strip('"')
    if not directives:
        return "no Cache-Control header"
    if "no-store" in directives or "no-cache" in directives:
        return f"Cache-Control forbids caching ({cache_control})"
    age = directives.get("s-maxage") or directives.get("max-age") or ""
    if not age.isdigit() or int(age) < MIN_AUDIO_MAX_AGE:
        return f"Cache-Control max-age too short or missing ({cache_control})"
    return None


def worker_verdict(activity: OutboxActivity, now: datetime,
                   stale_after: timedelta) -> tuple[bool, str]:
    """A worker is fine if nothing due has waited long, or it finished a row recently."""
    last = activity.last_finished_at
    last_text = f"last text finished {_ago(now - last)} ago" if last else "no text finished yet"
    if activity.oldest_due_at is None:
        return True, f"outbox empty; {last_text}"
    waited = now - activity.oldest_due_at
    if waited <= stale_after or (last is not None and now - last <= stale_after):
        return True, f"{activity.due} due, oldest for {_ago(waited)}; {last_text}"
    return False, (f"{activity.due} text(s) due, the oldest for {_ago(waited)}, and {last_text}:"
                   " is `helpline worker` running with this DATABASE_URL?")


#: Refusals in a day that suggest someone is trying to make the helpline text strangers.
REFUSALS_TO_WORRY = 20


def sending_verdict(figures: Mapping[str, int], daily_total: int) -> tuple[bool, str]:
    """Today's texts against the daily total, and the sending policy's refusals by rule.

    A burst of refusals, or a day close to the total, is how SMS pumping first shows.
    """
    sent = figures.get("texts_in_all", 0)
    refused = {rule.removeprefix("refused:"): count for rule, count in figures.items()
               if rule.startswith("refused:")}
    detail = f"{sent} of at most {daily_total} texts started today"
    if refused:
        detail += "; refused: " + ", ".join(f"{rule} {count}"
                                            for rule, count in sorted(refused.items()))
    if sent >= 0.8 * daily_total or sum(refused.values()) >= REFUSALS_TO_WORRY:
        return False, (detail + ". That many can mean someone is making the helpline text "
                       "strangers (SMS pumping): see \"Abuse and limits\" in the README.")
    return True, detail


def _ago(delta: timedelta) -> str:
    seconds = max(int(delta.total_seconds()), 0)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


# -- the checks -------------------------------------------------------------------------------


class Doctor:
    """Runs every check in order; each returns one result and never raises."""

    def __init__(self, target: Target, *, session: requests.Session | None = None,
                 store: Any = None, audio_files: Sequence[str] = (),
                 audio_url: Callable[[str], str] | None = None,
                 number_api: Callable[[], Any] | None = None,
                 settings: Mapping[str, Any] | None = None,
                 carriers: Callable[[], list[CheckResult]] | None = None):
        self.target = target
        self.settings = settings
        self.http = session or requests.Session()
        self.store = store
        self.audio_files = list(audio_files)
        self.audio_url = audio_url or (lambda path: f"{target.public_url}/audio/{path}")
        self.number_api = number_api
        self.carriers = carriers  # carrier rules for texts (carriers.py), after the others

    def run(self) -> list[CheckResult]:
        checks: list[tuple[str, Callable[[], CheckResult]]] = [
            ("settings", self.settings_check),
            ("public URL", self.public_url),
            ("ready", self.ready),
            ("signatures", self.signatures),
            ("voice webhook", self.voice),
            ("sms webhook", self.sms),
            ("audio", self.audio),
            ("database", self.database),
            ("worker", self.worker),
            ("sending", self.sending),
            ("twilio number", self.number),
        ]
        results = []
        for name, check in checks:
            try:
                results.append(check())
            except Exception as exc:  # a check that breaks is a failed check, not a crash
                results.append(CheckResult(name, False, f"the check could not run: "
                                                        f"{first_line(exc)}"))
        if self.carriers is not None:
            try:
                results.extend(self.carriers())
            except Exception as exc:
                results.append(CheckResult("carriers", False, f"the check could not run: "
                                                              f"{first_line(exc)}"))
        return results

    # HTTP through the public URL

    def _url(self, path: str) -> str:
        return self.target.public_url + path

    def _get(self, path: str) -> requests.Response:
        return self.http.get(self._url(path), timeout=self.target.timeout)

    def _signed_post(self, path: str, params: Mapping[str, str],
                     sign: bool = True) -> tuple[requests.Response, float]:
        headers = {"User-Agent": "TwilioProxy/1.1 (helpline doctor)"}
        if sign and self.target.auth_token:
            headers["X-Twilio-Signature"] = RequestValidator(
                self.target.auth_token).compute_signature(self._url(path), dict(params))
        started = time.perf_counter()
        response = self.http.post(self._url(path), data=dict(params), headers=headers,
                                  timeout=self.target.timeout)
        return response, time.perf_counter() - started

    def _unreachable(self, name: str, exc: Exception) -> CheckResult:
        return CheckResult(name, False,
                           unreachable(self.target.public_url, exc, self.target.timeout))

    def _no_token(self, name: str) -> CheckResult | None:
        """Checks that sign as Twilio does cannot run without the token: skipped, not passed
        (the settings check fails on the missing token)."""
        if self.target.auth_token:
            return None
        return CheckResult(name, None, "skipped: no token (TWILIO_AUTH_TOKEN is not set)")

    def settings_check(self) -> CheckResult:
        name = "settings"
        if self.settings is None:
            return CheckResult(name, None, "not checked")
        missing = missing_for_production(self.settings)
        if missing:
            return CheckResult(name, False, "not set for production: " + "; ".join(missing))
        return CheckResult(name, True, "everything production needs is set")

    def public_url(self) -> CheckResult:
        name = "public URL"
        if not self.target.public_url:
            return CheckResult(name, False, "HELPLINE_PUBLIC_URL is not set")
        try:
            check_public_url(self.target.public_url, self.target.allow_http)
        except SetupError as exc:
            return CheckResult(name, False, str(exc))
        try:
            started = time.perf_counter()
            response = self._get("/healthz")
            took = time.perf_counter() - started
        except requests.RequestException as exc:
            return self._unreachable(name, exc)
        if response.status_code != 200:
            return CheckResult(name, False, f"GET /healthz answered {response.status_code}: is "
                                            "this URL proxied to the helpline?")
        return CheckResult(name, True, f"{self.target.public_url}/healthz answered in {_ms(took)}")

    def ready(self) -> CheckResult:
        name = "ready"
        if not self.target.public_url:
            return CheckResult(name, False, "HELPLINE_PUBLIC_URL is not set")
        try:
            response = self._get("/readyz")
        except requests.RequestException as exc:
            return self._unreachable(name, exc)
        try:
            checks = response.json().get("checks", {})
        except ValueError:
            checks = {}
        if response.status_code == 200:
            return CheckResult(name, True, "content loaded, database reachable, schema current")
        bad = "; ".join(f"{k}: {v}" for k, v in checks.items() if v != "ok")
        return CheckResult(name, False, f"/readyz answered {response.status_code}"
                                        f"{': ' + bad if bad else ''}")

    def _call_params(self) -> dict[str, str]:
        own = self.target.phone_number or "+15005550006"
        return {"CallSid": "CA" + "d0c7" * 8, "AccountSid": self.target.account_sid,
                "From": own, "To": own, "CallStatus": "ringing", "Direction": "inbound",
                "ApiVersion": "2010-04-01", DOCTOR_FIELD: "1"}

    def signatures(self) -> CheckResult:
        name = "signatures"
        skipped = self._no_token(name)
        if skipped:
            return skipped
        if not self.target.public_url:
            return CheckResult(name, False, "HELPLINE_PUBLIC_URL is not set")
        try:
            response, _ = self._signed_post("/voice", self._call_params(), sign=False)
        except requests.RequestException as exc:
            return self._unreachable(name, exc)
        if response.status_code == 403:
            return CheckResult(name, True, "an unsigned request to /voice is refused (403)")
        return CheckResult(name, False, f"an unsigned request to /voice answered "
                                        f"{response.status_code}, not 403: the server runs "
                                        "without TWILIO_AUTH_TOKEN (local mode)")

    def _webhook(self, name: str, path: str, params: Mapping[str, str],
                 verbs: set[str], required: set[str]) -> tuple[CheckResult, bytes]:
        skipped = self._no_token(name)
        if skipped:
            return skipped, b""
        if not self.target.public_url:
            return CheckResult(name, False, "HELPLINE_PUBLIC_URL is not set"), b""
        try:
            response, took = self._signed_post(path, params)
        except requests.RequestException as exc:
            return self._unreachable(name, exc), b""
        if response.status_code == 403:
            return CheckResult(name, False, f"POST {path} refused a signed request (403): the "
                                            "server checks signatures against another URL or "
                                            "token; set HELPLINE_PUBLIC_URL and "
                                            "TWILIO_AUTH_TOKEN the same on both"), b""
        if response.status_code != 200:
            return CheckResult(name, False, f"POST {path} answered {response.status_code}"), b""
        mimetype = response.headers.get("Content-Type", "").split(";")[0].strip()
        if mimetype not in ("text/xml", "application/xml"):
            return CheckResult(name, False, f"POST {path} answered {mimetype or 'no type'}, "
                                            "not text/xml"), b""
        problem = twiml_problem(response.content, verbs, required)
        if problem:
            return CheckResult(name, False, f"POST {path}: {problem}"), b""
        if took > self.target.max_seconds:
            return CheckResult(name, False, f"POST {path} took {_ms(took)} (limit "
                                            f"{_ms(self.target.max_seconds)})"), response.content
        return CheckResult(name, True, f"signed POST {path} answered TwiML in {_ms(took)}"), \
            response.content

    def voice(self) -> CheckResult:
        result, body = self._webhook("voice webhook", "/voice", self._call_params(),
                                     VOICE_VERBS, {"Gather", "Say", "Play"})
        self.target.played = play_urls(body, self._url("/voice"))
        return result

    def sms(self) -> CheckResult:
        own = self.target.phone_number or "+15005550006"
        params = {"MessageSid": "SM" + "d0c7" * 8, "AccountSid": self.target.account_sid,
                  "From": own, "To": own, "Body": "HELP", "NumMedia": "0",
                  "ApiVersion": "2010-04-01", DOCTOR_FIELD: "1"}
        result, _ = self._webhook("sms webhook", "/sms", params, {"Message"}, {"Message"})
        return result

    def audio(self) -> CheckResult:
        name = "audio"
        urls = list(dict.fromkeys(self.target.played[:2]))
        files = sorted(self.audio_files)
        step = max(len(files) // AUDIO_SAMPLE, 1)
        for path in files[::step]:
            if len(urls) >= AUDIO_SAMPLE:
                break
            url = self.audio_url(path)
            if url not in urls:
                urls.append(url)
        if not urls:
            return CheckResult(name, None, "no audio files listed: callers hear <Say>")
        for url in urls:
            try:  # the whole file, as Twilio fetches it: prompts are a few kilobytes
                response = self.http.get(url, timeout=self.target.timeout)
            except requests.RequestException as exc:
                return CheckResult(name, False, unreachable(url, exc, self.target.timeout))
            kind = response.headers.get("Content-Type", "")
            cache = response.headers.get("Cache-Control", "")
            if response.status_code != 200 or not response.content:
                return CheckResult(name, False, f"{url} answered {response.status_code}"
                                                f"{'' if response.content else ' (empty)'}")
            if not kind.startswith("audio/"):
                return CheckResult(name, False, f"{url} is {kind or 'untyped'}, not audio "
                                                "(Twilio error 13420: the caller hears silence)")
            problem = cache_problem(cache)
            if problem:
                return CheckResult(name, False, f"{url}: {problem}")
        return CheckResult(name, True, f"{len(urls)} file(s) answer 200 as audio, cacheable")

    # the database and Twilio, directly

    def database(self) -> CheckResult:
        name = "database"
        if self.store is None:
            return CheckResult(name, None, "no database configured for the doctor")
        try:
            current = self.store.current_revision()
        except Exception as exc:
            return CheckResult(name, False, database_trouble(exc))
        head = self.store.head_revision()
        if current != head:
            return CheckResult(name, False, f"schema at {current or 'none'}, this release "
                                            f"needs {head}: run `helpline db upgrade`")
        return CheckResult(name, True, f"schema at the latest migration ({head})")

    def worker(self) -> CheckResult:
        name = "worker"
        if self.store is None:
            return CheckResult(name, None, "no database configured for the doctor")
        now = datetime.now(UTC)
        try:
            with self.store.reading() as tx:
                activity = tx.outbox.activity(now)
        except Exception as exc:
            return CheckResult(name, False, f"outbox unreadable: {database_trouble(exc)}")
        ok, detail = worker_verdict(activity, now, self.target.stale_after)
        return CheckResult(name, ok, detail)

    def sending(self) -> CheckResult:
        name = "sending"
        if self.store is None:
            return CheckResult(name, None, "no database configured for the doctor")
        try:
            with self.store.reading() as tx:
                figures = tx.send_counts.day_figures()
        except Exception as exc:
            return CheckResult(name, False,
                               f"sending counts unreadable: {database_trouble(exc)}")
        ok, detail = sending_verdict(figures, self.target.daily_texts)
        return CheckResult(name, ok, detail)

    def number(self) -> CheckResult:
        name = "twilio number"
        if self.number_api is None:
            return CheckResult(name, None, "not checked (--no-twilio)" if self.target.auth_token
                               else "skipped: no token (TWILIO_AUTH_TOKEN is not set)")
        try:
            api = self.number_api()
            number = api.find(self.target.phone_number)
        except SetupError as exc:
            return CheckResult(name, False, str(exc))
        problems = blockers(number)
        wrong = changes(number.webhooks, desired_webhooks(self.target.public_url))
        if wrong:
            fields = ", ".join(sorted(wrong))
            problems.append(f"{fields} not pointing here: run `helpline twilio setup`")
        if problems:
            return CheckResult(name, False, "; ".join(problems))
        return CheckResult(name, True, f"{number.phone_number} webhooks point to "
                                       f"{self.target.public_url}")
