"""Voice notes: the pre-generated audio of a piece or a whole section, as one file WhatsApp plays.

WhatsApp accepts audio/mpeg (MP3) as well as OGG/Opus, AMR and AAC (Twilio's supported media
types), so the built MP3 files are sent as they are: no conversion at build time. A piece is
its own file under /audio/. A section is its intro and pieces joined into one file at
/whatsapp/audio/<language>/<section>.<digest>.mp3: the built files are raw MPEG frames of one
format (no ID3 or Xing header), so joining their bytes gives one valid MP3. The digest names
the exact files joined, so the URL changes when any of them does and is cached as immutable.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from flask import Blueprint, Flask, abort, current_app, make_response, request
from flask.typing import ResponseReturnValue

from ..audio.serving import MAX_AGE, MP3_TYPE, audio_url, current_library
from ..content.model import VOICE
from ..core import compose
from ..web.content import loaded_content

bp = Blueprint("whatsapp", __name__, url_prefix="/whatsapp")


def files_for(content_id: str, language: str) -> list[str] | None:
    """The audio files (relative to audio/) of a piece or a section, or None when any is
    missing in this language (then the text is sent instead)."""
    loaded = loaded_content()
    content = loaded.content
    if language not in content.codes:
        return None
    pack = content.pack(language)
    section = content.catalogue.get(content_id)
    if section is not None:
        ids = compose.section_ids(pack, section.id)
    elif content_id in pack.texts:
        ids = [content_id]
    else:
        return None
    library = current_library()
    files = []
    for text_id in ids:
        if not pack.texts[text_id].voice:
            continue
        words = pack.render(text_id, VOICE, loaded.values)
        path = library.path_for(language, text_id, words)
        if path is None:
            return None
        files.append(path)
    return files or None


def _digest(files: list[str]) -> str:
    library = current_library()
    joined = "\n".join(f"{name}:{library.served(name).sha256}" for name in files)  # type: ignore[union-attr]
    return hashlib.sha256(joined.encode()).hexdigest()[:12]


def voice_note_url(content_id: str, language: str) -> str | None:
    """The URL Twilio fetches for the voice note of ``content_id``, or None (no audio)."""
    files = files_for(content_id, language)
    if not files:
        return None
    if len(files) == 1:
        return audio_url(files[0])
    public = str(current_app.config.get("HELPLINE_PUBLIC_URL") or "").rstrip("/")
    name = quote(f"{content_id}.{_digest(files)}.mp3")
    return f"{public}/whatsapp/audio/{quote(language)}/{name}"


@bp.get("/audio/<language>/<name>")
def joined_section(language: str, name: str) -> ResponseReturnValue:
    """A section's audio as one MP3; only a name this helpline would send is served."""
    content_id, _, rest = name.partition(".")
    digest, _, extension = rest.partition(".")
    if extension != "mp3":
        abort(404)
    files = files_for(content_id, language)
    if not files or len(files) < 2 or digest != _digest(files):
        abort(404)
    library = current_library()
    try:
        data = b"".join((library.audio_dir / path).read_bytes() for path in files)
    except OSError:
        abort(404)
    response = make_response(data)
    response.mimetype = MP3_TYPE
    response.set_etag(digest)
    response.cache_control.max_age = MAX_AGE
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    if bp.name not in app.blueprints:
        app.register_blueprint(bp)
