"""GET /audio/<lang>/<file>.mp3 for Twilio's <Play> (or as the origin of a CDN).

Only files the manifest lists are served, so a request can never reach outside audio/ and no
directory is scanned per request. A file's name carries its hash, so it never changes: it is
cached for a year as immutable, and its ETag is the digest of its bytes.

The manifest is read at start-up and again when it changes on disk (a recording kept in the
studio, a build run beside a live server): each worker looks at its modification time at most
once a second (a ``stat``, never a read), and the parts that prepared answers from the old
library (the voice flow's <Play> pieces) prepare them again, so the next call plays the new file.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Flask, abort, current_app, send_file
from flask.typing import ResponseReturnValue

from ..content import Content, ContentError
from . import min_tiers, tier_problems
from .library import AudioLibrary
from .manifest import MANIFEST_NAME

EXTENSION = "helpline.audio"
WATCH = "helpline.audio.watch"
LISTENERS = "helpline.audio.listeners"

#: How often a worker looks whether the manifest changed.
CHECK_SECONDS = 1.0

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
    app.extensions[EXTENSION] = _load(app, min_tiers(content))
    if bp.name not in app.blueprints:
        app.register_blueprint(bp)
        app.before_request(_refresh)


@dataclass
class _Watch:
    """What the manifest on disk looked like when it was loaded, and when it was last looked at."""

    stamp: tuple[int, int, int] | None
    checked: float


_RELOADING = threading.Lock()


def _stamp(audio_dir: Path) -> tuple[int, int, int] | None:
    try:
        found = os.stat(audio_dir / MANIFEST_NAME)
    except OSError:
        return None
    return (found.st_mtime_ns, found.st_size, found.st_ino)


def _load(app: Flask, tiers: Mapping[str, str]) -> AudioLibrary:
    audio_dir = Path(app.config["HELPLINE_AUDIO_DIR"])
    # Stamped before reading: a manifest rewritten while it is read is read again next time.
    app.extensions[WATCH] = _Watch(_stamp(audio_dir), time.monotonic())
    return AudioLibrary.load(
        audio_dir,
        tiers,
        # With a CDN the files may live only there; the manifest still says what exists.
        verify_files=not app.config.get("HELPLINE_AUDIO_BASE_URL"),
    )


def on_reload(app: Flask, listener: Callable[[Flask], None]) -> None:
    """Call ``listener(app)`` after each reload (to prepare answers from the new library)."""
    app.extensions.setdefault(LISTENERS, []).append(listener)


def reload(app: Flask) -> AudioLibrary:
    """Read the manifest again now, and tell every listener."""
    with _RELOADING:
        library = _load(app, library_of(app).min_tiers)
        app.extensions[EXTENSION] = library
        for listener in app.extensions.get(LISTENERS, ()):
            listener(app)
    return library


def refresh(app: Flask, now: float | None = None) -> bool:
    """Reload when the manifest changed on disk since it was loaded; True when it did."""
    watch = app.extensions.get(WATCH)
    if watch is None:
        return False
    now = time.monotonic() if now is None else now
    if now - watch.checked < CHECK_SECONDS:
        return False
    watch.checked = now
    if _stamp(Path(app.config["HELPLINE_AUDIO_DIR"])) == watch.stamp:
        return False
    reload(app)
    return True


def _refresh() -> None:
    refresh(current_app._get_current_object())  # type: ignore[attr-defined]


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
