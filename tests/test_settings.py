"""Settings as an operator writes them: environment files, values copied from the README, and
the move from local mode to production."""

from __future__ import annotations

import pytest

from helpline import create_app
from helpline.config import ConfigError, load_settings
from helpline.store.hashing import KEY_FILE, SecretKeyError


@pytest.mark.parametrize(("name", "value", "note"), [
    ("HELPLINE_TRUSTED_PROXIES", "1          # nginx or Caddy in front",
     "# nginx or Caddy in front"),
    ("TWILIO_FROM_NUMBER", "+14155550100 # the helpline number", "# the helpline number"),
    ("HELPLINE_PUBLIC_URL", "https://help.example.org\t#", "#"),
])
def test_a_comment_after_a_value_is_refused_naming_the_setting(name, value, note):
    with pytest.raises(ConfigError) as refused:
        load_settings({name: value}, None)

    message = str(refused.value)
    assert message.startswith(f"{name} has a comment after its value ({note!r})")
    assert "line of its own" in message


def test_a_hash_inside_a_value_is_kept():
    settings = load_settings({"HELPLINE_NAME": "Helpline #1", "HELPLINE_ADMIN_PASSWORD":
                              "correct#horse battery staple"}, None)

    assert settings["HELPLINE_NAME"] == "Helpline #1"


def test_an_inline_comment_stops_the_command_with_one_clear_line(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    helpline = Path(sys.executable).parent / "helpline"
    if not helpline.exists():
        pytest.skip("the package is not installed into this environment: run `make test`")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "HELPLINE_"))}
    env.update(HELPLINE_TRUSTED_PROXIES="1   # nginx in front", HELPLINE_INSTANCE_DIR=str(tmp_path))
    result = subprocess.run([str(helpline), "db", "current"], env=env, capture_output=True,
                            text=True, timeout=60)

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "The helpline cannot start.",
        "HELPLINE_TRUSTED_PROXIES has a comment after its value ('# nginx in front'). "
        "Environment files keep everything after = as the value, so put the comment on a line "
        "of its own, starting with #.",
    ]


@pytest.mark.parametrize(("name", "value"), [
    ("TWILIO_AUTH_TOKEN", "your-auth-token"),
    ("TWILIO_ACCOUNT_SID", "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    ("HELPLINE_SECRET_KEY",
     'output-of: python -c "import secrets; print(secrets.token_hex(32))"'),
    ("HELPLINE_ADMIN_PASSWORD", "a-long-passphrase"),
    ("TWILIO_AUTH_TOKEN", "<your token>"),
])
def test_a_placeholder_copied_from_the_readme_is_refused(settings, name, value):
    with pytest.raises(ConfigError) as refused:
        create_app({**settings, name: value})

    assert str(refused.value).startswith(f"{name} is still the example from the README")


def test_the_readmes_placeholders_are_the_ones_refused():
    from .test_readme import environment_example

    example = environment_example()
    for name in ("TWILIO_AUTH_TOKEN", "TWILIO_ACCOUNT_SID", "HELPLINE_ADMIN_PASSWORD"):
        with pytest.raises(ConfigError, match=f"{name} is still the example"):
            load_settings({name: example[name]}, None)


def test_production_without_a_key_points_at_the_key_local_mode_made(settings, tmp_path):
    local = {**settings, "TWILIO_AUTH_TOKEN": "", "TWILIO_ACCOUNT_SID": "",
             "HELPLINE_SECRET_KEY": ""}
    create_app(local)  # local mode generates instance/secret_key
    generated = tmp_path / "instance" / KEY_FILE
    assert generated.exists()

    with pytest.raises(SecretKeyError) as refused:
        create_app({**settings, "HELPLINE_SECRET_KEY": ""})

    message = str(refused.value)
    assert f"Local mode already generated one in {generated}" in message
    assert f"HELPLINE_SECRET_KEY=$(cat {generated})" in message


def test_production_without_a_key_or_a_local_one_says_how_to_make_one(settings):
    with pytest.raises(SecretKeyError) as refused:
        create_app({**settings, "HELPLINE_SECRET_KEY": ""})

    assert "secrets.token_hex(32)" in str(refused.value)
