"""The stack's limit: Flask under the same gunicorn, answering constant TwiML of the same size.

run.py captures the helpline's answer to each benchmarked request and hands the bodies over in
BARE_RESPONSES (a JSON file: "path?query#Body" -> body), so both servers send the same bytes and the
difference in throughput is the helpline's own work. No signature check, no database.
"""

from __future__ import annotations

import json
import os

from flask import Flask, Response, request


def create_app() -> Flask:
    with open(os.environ["BARE_RESPONSES"], encoding="utf-8") as handle:
        bodies: dict[str, str] = json.load(handle)
    app = Flask(__name__)

    @app.post("/voice")
    @app.post("/voice/step")
    @app.post("/sms")
    def answer() -> Response:
        # Read the form as the helpline must (to check the signature), then answer the
        # constant document captured for this path and query.
        key = request.full_path.rstrip("?") + "#" + request.form.get("Body", "")
        return Response(bodies[key], mimetype="text/xml")

    return app
