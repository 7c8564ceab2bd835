"""GET /audio/<lang>/<file>.mp3 for Twilio's <Play> (or as the origin of a CDN).

Only files the manifest lists are served, so a request can never reach outside audio/ and no
directory is scanned per request. A file's name carries its hash, so it never changes: it is
cached for a year as immutable, and its ETag is the digest of its bytes.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, send_file
from flask.typing import ResponseReturnValue

#: A year: the longest lifetime caches honour; a changed prompt gets a new name anyway.
MAX_AGE = 31536000
#: Twilio plays audio/mpeg; a wrong type gives error 13420 and silence on the call.
MP3_TYPE = "audio/mpeg"

bp = Blueprint("audio", __name__)


@bp.get("/audio/<path:name>")
def serve(name: str) -> ResponseReturnValue:
    from . import current_library

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
