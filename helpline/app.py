"""The application factory: settings, content (validated once), store, one blueprint per channel."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from .config import PROJECT_ROOT, load_settings, local_mode
from .content import load_enabled_content

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 64 * 1024


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the helpline: settings, content (validated once), store, and one blueprint per channel.

    ``test_config`` overrides the environment, key by key, as in the Flask tutorial.
    """
    settings = load_settings(os.environ, test_config)
    instance_dir = Path(
        (test_config or {}).get("INSTANCE_PATH")
        or os.environ.get("HELPLINE_INSTANCE_DIR")
        or PROJECT_ROOT / "instance"
    )
    app = Flask(__name__, instance_path=str(instance_dir.resolve()))
    app.config.from_mapping(settings)
    if test_config:
        app.config.from_mapping(test_config)
    app.config["LOCAL_MODE"] = local_mode(app.config)
    # Twilio's webhooks are a few kilobytes: a bigger body is refused (413) before it is read.
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES

    # Imported here, not at the top: each part reads settings in init_app, never at import.
    from . import golive, reports, simulator, sms, store, studio, voice, whatsapp
    from .audio import serving as audio
    from .core import privacy
    from .outbound import policy
    from .web import content, logs, usage

    loaded = content.init_app(app, load_enabled_content(app.config))

    logs.init_app(app)
    if app.config.get("HELPLINE_TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Only what the shipped nginx and Caddy configs set: the client's address and the
        # scheme. Both pass the Host header through; a forwarded prefix, host or port from a
        # client would move every action URL the helpline gives Twilio.
        hops = app.config["HELPLINE_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    the_store = store.init_app(app)
    # Log tags from the instance key: every process of this helpline tags a number alike.
    privacy.use_tag_key(the_store.derived_key(b"helpline log tags"))
    usage.init_app(app, the_store)
    policy.init_app(app)  # every text the helpline starts passes it
    audio.init_app(app, loaded.content)  # before voice: the voice flow plays what it lists
    voice.init_app(app)  # /voice
    sms.init_app(app)  # /sms
    whatsapp.init_app(app)  # WhatsApp on /sms; its section voice notes on /whatsapp/audio
    golive.init_app(app)  # /healthz and /readyz
    reports.init_app(app)  # /admin/reports
    simulator.init_app(app)  # /simulator
    studio.init_app(app)  # /admin/studio
    return app

