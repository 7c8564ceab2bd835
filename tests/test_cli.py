"""The ``helpline`` command as an operator meets it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpline.cli import cli

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "content_two_languages"


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_help_lists_every_command_with_one_line_each():
    result = run("--help")

    assert result.exit_code == 0
    for command in ("serve", "content", "worker", "db", "privacy"):
        assert f"  {command} " in result.output


def test_help_works_even_when_the_content_is_broken(tmp_path):
    (tmp_path / "en.yaml").write_text("texts: [unclosed\n")

    result = run("--help", env={"HELPLINE_CONTENT_DIR": str(tmp_path)})

    assert result.exit_code == 0


def test_the_installed_command_runs():
    helpline = Path(sys.executable).parent / "helpline"
    if not helpline.exists():
        pytest.skip("the package is not installed into this environment")

    result = subprocess.run([str(helpline), "--help"], capture_output=True, text=True,
                            timeout=60)

    assert result.returncode == 0 and "content" in result.stdout


def test_content_check_passes_on_the_shipped_content():
    result = run("content", "check")

    assert result.exit_code == 0, result.output
    assert "Content OK" in result.output


def test_content_check_reports_each_sms_text_with_encoding_and_segments():
    result = run("content", "check", "--json")

    report = json.loads(result.output)
    english = next(lang for lang in report["languages"] if lang["code"] == "en")
    help_row = next(row for row in english["texts"] if row["id"] == "sms.help")
    assert help_row["sms_encoding"] == "GSM-7"
    assert help_row["sms_segments"] >= 1 and help_row["sms_length"] > 50
    assert help_row["reading"].startswith("grade ")


@pytest.fixture
def broken(tmp_path: Path, request) -> Path:
    target = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parents[1] / "scripts_content", target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_second_language(content: Path) -> Path:
    spanish = content / "es.yaml"
    text = (content / "en.yaml").read_text(encoding="utf-8")
    text = text.replace("  code: en\n", "  code: es\n").replace("  name: English\n",
                                                                "  name: Español\n")
    text = text.replace("  max_reading_grade: 6\n", "  max_sentence_words: 40\n")
    spanish.write_text(text, encoding="utf-8")
    return spanish


@pytest.mark.parametrize(
    "breakage, expected",
    [
        ("missing_in_second", "es.yaml: questions.q07: is missing"),
        ("yaml_syntax", "en.yaml:"),
        ("too_hard", "safety (voice): reads at grade"),
        ("hard_sentence", "safety (voice): has a sentence at grade"),
        ("dale_chall", "has a Dale-Chall score of"),
        ("curly_quote", "sms.help (sms): has '\u2019' (U+2019)"),
        ("placeholder", "sms.help (sms): uses placeholders none but en.yaml uses {helpline_name}"),
    ],
)
def test_content_check_fails_naming_file_id_and_fix(broken, breakage, expected):
    spanish = add_second_language(broken)
    english = broken / "en.yaml"
    if breakage == "missing_in_second":
        edit(spanish, "    q07:\n", "    q07_removed:\n")
    elif breakage == "yaml_syntax":
        edit(english, "  welcome:\n", "  welcome: [\n")
    elif breakage == "too_hard":
        text = english.read_text(encoding="utf-8")
        start = text.index("  safety:\n")
        end = text.index("    sms:", start)
        english.write_text(
            text[:start] + "  safety:\n    voice: >-\n      Notwithstanding considerable "
            "institutional heterogeneity, multidisciplinary deliberation substantially "
            "facilitates individualized therapeutic determinations.\n"
            + text[end:], encoding="utf-8")
    elif breakage == "hard_sentence":
        edit(english, "This is not medical advice.", "This is not medical advice. Your "
             "records may call them molecular, genomic or biomarker tests.")
    elif breakage == "dale_chall":
        edit(english, "This is not medical advice.", "This is not medical advice. "
             "Bring the scan disc. Bring the lab slips. Bring the chemo log. Bring the drug "
             "list. Bring the gene test. Bring the MRI CD. Bring the PET scan.")
    elif breakage == "curly_quote":
        text = english.read_text(encoding="utf-8")
        start = text.index("    help:\n      sms: >-\n") + len("    help:\n      sms: >-\n")
        english.write_text(text[:start] + "        Don\u2019t worry.\n" + text[start:],
                           encoding="utf-8")
    elif breakage == "placeholder":
        edit(spanish, "This is {helpline_name}. We share", "This is our line. We share")

    result = run("content", "check", "--dir", str(broken),
                 env={"HELPLINE_LANGUAGES": "en,es"})

    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert "Fix:" in result.output
    if breakage == "yaml_syntax":
        line = result.output.split("en.yaml:")[1].split(":")[0]
        assert line.isdigit()


def test_serve_answers_a_call_in_local_mode(tmp_path):
    import os
    import socket
    import time
    import urllib.request

    helpline = Path(sys.executable).parent / "helpline"
    if not helpline.exists():
        pytest.skip("the package is not installed into this environment")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "HELPLINE_"))}
    env.update(HELPLINE_INSTANCE_DIR=str(tmp_path), HELPLINE_LANGUAGES="en")
    server = subprocess.Popen([str(helpline), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        body = None
        for _ in range(150):
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/voice", data=b"CallSid=CA1&From=%2B14155550100")
                with urllib.request.urlopen(request, timeout=2) as response:
                    body = response.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert body is not None, "helpline serve did not answer"
        assert "<Gather" in body
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert f"http://127.0.0.1:{port}/" in output
    assert output.count("local mode") == 1, output
