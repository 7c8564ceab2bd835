"""LISTEN on WhatsApp: a voice note of what was last sent, queued through the sending policy,
at a URL that serves a file WhatsApp plays (audio/mpeg, decoded here)."""

from __future__ import annotations

from urllib.parse import urlsplit

from helpline.audio import dsp
from helpline.outbound.transport import LocalTransport
from helpline.outbound.worker import OutboxWorker

from .conftest import NUMBER, rows_to


def _fetch(client, url: str):
    response = client.get(urlsplit(url).path)
    response.get_data()
    response.close()  # send_file keeps the file open until the response is closed
    return response


def test_listen_after_a_section_queues_the_whole_section_as_one_voice_note(
        app, client, whatsapp, outbox, words):
    whatsapp.send("CHECKLIST")
    assert whatsapp.send("LISTEN") == [words("whatsapp.listen_sent")]

    [row] = rows_to(outbox)
    assert row.channel == "whatsapp" and row.kind == "voice_note" and row.media_url
    assert row.body == words("whatsapp.voice_note")
    served = _fetch(client, row.media_url)
    assert served.status_code == 200 and served.mimetype == "audio/mpeg"
    assert "immutable" in served.headers["Cache-Control"]
    sound = dsp.decode(served.data)
    piece = _fetch(client, "/audio/en/" + _file(app, "checklist.pathology"))
    # The whole section: intro and six pieces, far longer than any one piece.
    assert sound.duration > 3 * dsp.decode(piece.data).duration > 10


def test_listen_after_one_script_plays_that_piece(app, client, whatsapp, outbox):
    whatsapp.send("SCRIPT 1")  # a piece's own words
    whatsapp.send("LISTEN")

    [row] = rows_to(outbox)
    assert urlsplit(row.media_url).path == "/audio/en/" + _file(app, "scripts.direct")
    assert dsp.decode(_fetch(client, row.media_url).data).duration > 5


def test_listen_first_thing_plays_the_menu(app, whatsapp, outbox):
    whatsapp.send("LISTEN")

    [row] = rows_to(outbox)
    assert urlsplit(row.media_url).path == "/audio/en/" + _file(app, "menu.main")


def test_a_language_without_audio_says_so_and_sends_the_text(whatsapp, outbox, words):
    whatsapp.send("LISTA")  # CHECKLIST in Spanish
    replies = whatsapp.send("ESCUCHAR")

    assert replies[0] == words("whatsapp.listen_no_audio", "es")
    assert words("checklist.intro", "es") in replies[1] and "*1. " in replies[1]
    assert rows_to(outbox) == []


def test_voice_notes_count_under_the_daily_limits(settings, words):
    from helpline import create_app

    from ..conftest import Outbox, Texter, Twilio

    app = create_app({**settings, "HELPLINE_TEXTS_TO_NUMBER_PER_DAY": "2"})
    whatsapp = Texter(Twilio(app.test_client()), "whatsapp:+447400123777")

    for _ in range(2):
        assert whatsapp.send("LISTEN") == [words("whatsapp.listen_sent")]
    assert whatsapp.send("LISTEN") == [words("whatsapp.listen_limit")]
    assert len(rows_to(Outbox(app))) == 2


def test_a_forged_section_audio_name_is_not_served(client):
    assert client.get("/whatsapp/audio/en/checklist.000000000000.mp3").status_code == 404
    assert client.get("/whatsapp/audio/en/../../etc/passwd").status_code == 404
    assert client.get("/whatsapp/audio/xx/checklist.0.mp3").status_code == 404


def test_the_worker_sends_a_voice_note_as_media(app, store, whatsapp, outbox):
    whatsapp.send("CHECKLIST")
    whatsapp.send("LISTEN")
    transport = _Recording()

    OutboxWorker(store, transport).run_once()

    [(to, body, extra)] = transport.sent
    assert to == "whatsapp:+447400123777"
    assert extra["channel"] == "whatsapp" and extra["media_url"].endswith(".mp3")
    [row] = rows_to(outbox)
    assert row.state == "sent" and row.to_number is None


class _Recording(LocalTransport):
    def __init__(self) -> None:
        super().__init__()
        self.sent = []

    def send(self, to: str, body: str, **whatsapp) -> str:  # type: ignore[override]
        self.sent.append((to, body, whatsapp))
        return "MM" + "0" * 32


def _file(app, text_id: str) -> str:
    from helpline.audio.serving import library_of
    from helpline.content.model import VOICE
    from helpline.web.content import loaded_content

    with app.app_context():
        loaded = loaded_content()
        words = loaded.content.pack("en").render(text_id, VOICE, loaded.values)
        path = library_of(app).path_for("en", text_id, words)
    assert path, text_id
    return path.removeprefix("en/")



def test_listen_is_its_own_word_not_french_liste(whatsapp, outbox, words):
    whatsapp.send("LISTE")  # CHECKLIST in French

    assert whatsapp.send("LISTEN") == [words("whatsapp.listen_sent")]
    [row] = rows_to(outbox)
    assert "/whatsapp/audio/en/checklist." in row.media_url


def test_a_caller_who_uses_whatsapp_is_offered_a_voice_note_on_a_call(twilio, app, store, outbox):
    from helpline.whatsapp import address_of

    from ..voice.conftest import Caller

    caller = Caller(twilio, app, number=NUMBER)
    with store.transaction() as tx:
        tx.whatsapp.touch(address_of(caller.number))  # wrote to us on WhatsApp just now
    if "s=language" in caller.dial().action:
        caller.press("1")  # English
    caller.press("3")

    offer = caller.press("6")
    sent = caller.press("4")

    assert offer.hears("text_me.offer_whatsapp")
    assert sent.hears("text_me.whatsapp_sent") and "s=questions" in sent.action
    [row] = rows_to(outbox)
    assert row.media_url and "questions.q01" in row.media_url


def test_a_caller_not_known_on_whatsapp_is_not_offered_a_voice_note(twilio, app, outbox):
    from ..voice.conftest import Caller

    caller = Caller(twilio, app, number="+447400123778")
    if "s=language" in caller.dial().action:
        caller.press("1")  # English
    caller.press("3")

    offer = caller.press("6")
    nothing = caller.press("4")

    assert not offer.hears("text_me.offer_whatsapp")
    assert nothing.hears("voice.wrong_key") and outbox.rows(to_number=caller.number) == []
