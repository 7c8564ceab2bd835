"""The webhook signature check against the vectors of Twilio's own helper libraries.

The vectors (tests/data/twilio/signature_vectors.json) come from twilio-python, twilio-node and
twilio-csharp. The helpline checks signatures with twilio-python's RequestValidator behind a
fast path of its own; on every form-encoded vector it must give twilio-python's answer, and it
must never accept what neither library accepts.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from helpline import create_app
from helpline.web.webhook import signature_is_valid

VECTORS = json.loads((Path(__file__).resolve().parent / "data" / "twilio"
                      / "signature_vectors.json").read_text(encoding="utf-8"))
PYTHON = "twilio-python 9.13.0 RequestValidator.validate"
NODE = "twilio-node 6.2.0 validateRequest/validateRequestWithBody"

#: Twilio's voice and SMS webhooks are form posts; the JSON-body vectors are for other products
#: and the helpline never reads a JSON body, so they are not run here.
FORM_VECTORS = [vector for vector in VECTORS["vectors"] if "body" not in vector]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    where = tmp_path_factory.mktemp("signatures")
    return create_app({
        "TESTING": True, "TWILIO_AUTH_TOKEN": "12345", "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "HELPLINE_PUBLIC_URL": "https://mycompany.com", "HELPLINE_LANGUAGES": "en",
        "HELPLINE_SECRET_KEY": "test-secret-key-for-hashing-numbers",
        "INSTANCE_PATH": str(where / "instance"),
        "DATABASE_URL": f"sqlite:///{where / 'helpline.sqlite3'}",
    })


def helpline_accepts(app, vector: dict) -> bool:
    parts = urlsplit(vector["url"])
    app.config["TWILIO_AUTH_TOKEN"] = vector["auth_token"]
    app.config["HELPLINE_PUBLIC_URL"] = f"{parts.scheme}://{parts.netloc}"
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    with app.test_request_context(path, method="POST", data=MultiDict(vector["params"]),
                                  headers={"X-Twilio-Signature": vector["signature"]}):
        return signature_is_valid()


@pytest.mark.parametrize("vector", FORM_VECTORS, ids=[v["id"] for v in FORM_VECTORS])
def test_it_answers_as_twilio_python_does(app, vector):
    assert helpline_accepts(app, vector) is vector["cross_check"][PYTHON]


@pytest.mark.parametrize("vector", FORM_VECTORS, ids=[v["id"] for v in FORM_VECTORS])
def test_it_never_accepts_what_no_library_accepts(app, vector):
    if vector["cross_check"][PYTHON] is False and vector["cross_check"][NODE] is False:
        assert not helpline_accepts(app, vector)
    tampered = {**vector, "params": [[key, value + "x"] for key, value in vector["params"]]}
    assert not helpline_accepts(app, tampered)
