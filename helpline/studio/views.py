"""/admin/studio: record every prompt of a language in the browser, and keep the good takes.

Operator pages (the reports' access rules and security headers). The page records with an
AudioWorklet and posts each take as 16-bit PCM WAV; the upload is the only route of the
helpline that takes more than a few kilobytes, and only for itself (``UPLOAD_MAX_BYTES``).
An upload must carry the page's CSRF token: operator credentials ride along with any request
a browser makes, so another site could otherwise post a take in an operator's name.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from ..audio import serving
from ..core.pace import MAX_SECONDS, allowed_seconds, seconds_at_pace
from ..store import get_store
from ..web.admin import add_security_headers, check_admin
from ..web.content import current_content
from .overview import overview

log = logging.getLogger(__name__)

#: Two minutes of 48 kHz 16-bit mono, with room to spare; every other route keeps 64 KB.
UPLOAD_MAX_BYTES = 12 * 1024 * 1024
#: A page's token is good for a working day.
TOKEN_SECONDS = 12 * 3600
WAV_TYPES = {"audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"}

bp = Blueprint("studio", __name__, url_prefix="/admin/studio", template_folder="templates",
               static_folder="static", static_url_path="/static")
bp.before_request(check_admin)


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    return add_security_headers(response)


def _refuse(message: str, status: int) -> ResponseReturnValue:
    return jsonify(error=message), status


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge) -> ResponseReturnValue:
    return _refuse(f"The recording is larger than {UPLOAD_MAX_BYTES // (1024 * 1024)} MB. "
                   "Record one prompt at a time (at most two minutes).", 413)


# --- CSRF ----------------------------------------------------------------------------------------


def _token_key() -> bytes:
    return get_store().derived_key(b"helpline studio upload token")


def _sign(issued: int) -> str:
    return hmac.new(_token_key(), str(issued).encode(), hashlib.sha256).hexdigest()[:32]


def upload_token(now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    return f"{issued}.{_sign(issued)}"


def token_ok(token: str, now: float | None = None) -> bool:
    issued_text, _, signature = token.partition(".")
    if not issued_text.isdecimal() or len(issued_text) > 12:
        return False
    issued = int(issued_text)
    age = (time.time() if now is None else now) - issued
    return 0 <= age <= TOKEN_SECONDS and hmac.compare_digest(signature, _sign(issued))


def _same_origin() -> bool:
    """A browser says where a request came from; another site's page is turned away."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if not origin:
        return True
    allowed = {request.host_url.rstrip("/")}
    public = str(current_app.config.get("HELPLINE_PUBLIC_URL") or "")
    if public:
        parts = urlsplit(public)
        allowed.add(f"{parts.scheme}://{parts.netloc}")
    return origin.rstrip("/") in allowed


# --- pages ---------------------------------------------------------------------------------------


def _language_or_404(language: str) -> None:
    if language not in current_content().codes:
        abort(404)


def _overview(language: str):
    return overview(current_content(), current_app.config, serving.current_library(), language)


@bp.get("")
def index() -> ResponseReturnValue:
    content = current_content()
    languages = [_overview(code) for code in content.codes]
    return render_template("studio/index.html", languages=languages)


@bp.get("/<language>")
def language_page(language: str) -> ResponseReturnValue:
    _language_or_404(language)
    view = _overview(language)
    settings = {
        "language": language,
        "upload": url_for("studio.keep_take", language=language),
        "token": upload_token(),
        "worklet": url_for("studio.static", filename="capture-worklet.js"),
        "maxSeconds": MAX_SECONDS,
    }
    lengths = {row.key: (*allowed_seconds(row.text, language),
                         seconds_at_pace(row.text, language)) for row in view.rows}
    return render_template("studio/language.html", view=view, settings=settings,
                           lengths=lengths, audio_url=_audio_url)


@bp.get("/<language>/script")
def script_page(language: str) -> ResponseReturnValue:
    _language_or_404(language)
    return render_template("studio/script.html", view=_overview(language))


def _audio_url(file: str | None) -> str | None:
    # The local copy, whatever CDN calls use: the page's policy lets it play only its own site.
    return url_for("audio.serve", name=file) if file else None


# --- keeping a take ------------------------------------------------------------------------------


@bp.post("/<language>/take")
def keep_take(language: str) -> ResponseReturnValue:
    """Check a take and, if it is good, make it the prompt's recording (JSON either way)."""
    # Signal processing and encoding load on the first take, not when the helpline starts.
    from .saving import NotAPrompt, SaveFailed, save_take
    from .takes import TakeRefused

    request.max_content_length = UPLOAD_MAX_BYTES  # this route only; the app keeps 64 KB
    if not _same_origin() or not token_ok(request.headers.get("X-Studio-Token", "")):
        return _refuse("This page has expired or came from another site. Reload the studio "
                       "page and record again.", 403)
    if request.mimetype not in WAV_TYPES:
        return _refuse("Send the recording as a WAV file (Content-Type: audio/wav).", 415)
    key = request.args.get("prompt", "")
    reader = unquote(request.headers.get("X-Reader-Name", ""))
    data = request.get_data(cache=False)
    content = current_content()
    try:
        saved = save_take(content, current_app.config, language, key, data, reader=reader,
                          expected_hash=request.args.get("text") or None)
    except NotAPrompt as exc:  # the language and id are unknown: not logged as they came
        return _refuse(str(exc), 404)
    except TakeRefused as exc:
        log.info("studio: take for %s/%s refused: %s", language, key, exc)
        return _refuse(str(exc), 422)
    except SaveFailed as exc:
        log.error("studio: take for %s/%s kept but not built: %s", language, key, exc)
        return _refuse(f"The recording was saved but its phone file could not be made: {exc}",
                       500)
    except OSError as exc:
        folder = current_app.config["HELPLINE_AUDIO_DIR"]
        log.error("studio: take for %s/%s not saved: %s", language, key, exc)
        return _refuse(f"The recording could not be saved ({exc.strerror or exc}). The helpline "
                       f"must be able to write to its audio folder, {folder}.", 500)
    library = serving.reload(current_app._get_current_object())  # type: ignore[attr-defined]
    view = overview(content, current_app.config, library, language)
    row = next(row for row in view.rows if row.key == saved.prompt.key)
    return jsonify(
        prompt=row.key,
        state=row.state,
        source=row.source,
        audio=_audio_url(row.file),
        seconds=round(saved.take.seconds, 1),
        loudness=saved.entry.loudness,
        recorded_loudness=saved.take.loudness,
        pace=saved.take.pace.as_dict(),
        progress=view.progress,
        recorded=view.recorded,
        total=len(view.rows),
    )
