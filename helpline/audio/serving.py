"""GET /audio/<lang>/<file>.mp3 for Twilio's <Play> (or as the origin of a CDN).

Only files the manifest lists are served, so a request can never reach outside audio/ and no
directory is scanned per request. A file's name carries its hash, so it never changes: it is
cached for a year as immutable, and its ETag is the digest of its bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Flask, abort, current_app, send_file
from flask.typing import ResponseReturnValue

from ..content import Content, ContentError
from . import min_tiers, tier_problems
from .library import AudioLibrary

EXTENSION = "helpline.audio"

#: A year: the longest lifetime caches honour; a changed prompt gets a new name anyway.
MAX_AGE = 31536000
#: Twilio plays audio/mpeg; a wrong type gives error 13420 and silence on the call.
MP3_TYPE = "audio/mpeg"

bp = Blueprint("audio", __name__)


@bp.get("/audio/<path:name>")
def serve(name: str) -> ResponseReturnValue:
    library = current_library()
    entry = library.served(name)
    if entry is None:
        abort(404)
    try:
        response = send_file(
            library.audio_dir / entry.file,
            mimetype=MP3_TYPE,
            etag=entry.sha256,
            conditional=True,
            max_age=MAX_AGE,
        )
    except FileNotFoundError:
        # Deleted after start-up (a prune on a live server): a 404, never a 500.
        current_app.logger.warning("Audio file %s is listed but missing.", entry.file)
        abort(404)
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def init_app(app: Flask, content: Content) -> None:
    """Load the manifest once, and serve /audio/. Safe to call again (reloads the manifest)."""
    problems = tier_problems(content)
    if problems:
        raise ContentError(problems)
    audio_dir = Path(app.config["HELPLINE_AUDIO_DIR"])
    app.extensions[EXTENSION] = AudioLibrary.load(
        audio_dir,
        min_tiers(content),
        # With a CDN the files may live only there; the manifest still says what exists.
        verify_files=not app.config.get("HELPLINE_AUDIO_BASE_URL"),
    )
    if bp.name not in app.blueprints:
        app.register_blueprint(bp)


def library_of(app: Flask) -> AudioLibrary:
    """The library ``init_app`` loaded for ``app`` (empty when it has not run)."""
    library = app.extensions.get(EXTENSION)
    if library is None:
        return AudioLibrary.empty(Path(app.config["HELPLINE_AUDIO_DIR"]))
    return library


def current_library() -> AudioLibrary:
    """The library loaded at start-up for the running app."""
    return library_of(current_app)


def audio_url(relative_path: str, settings: Mapping[str, Any] | None = None) -> str:
    """The URL Twilio fetches for a file from ``path_for``.

    HELPLINE_AUDIO_BASE_URL (a CDN copy of audio/) wins; else HELPLINE_PUBLIC_URL + /audio;
    else a root-relative /audio/... which Twilio resolves against the webhook's URL.
    """
    config = settings if settings is not None else current_app.config
    base = str(config.get("HELPLINE_AUDIO_BASE_URL") or "").rstrip("/")
    if not base:
        public = str(config.get("HELPLINE_PUBLIC_URL") or "").rstrip("/")
        base = f"{public}/audio"
    return f"{base}/{quote(relative_path)}"
