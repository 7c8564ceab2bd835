"""WhatsApp messages signed as Twilio sends them: the same keywords in every language, WhatsApp's
layout (one message per section, no segment labels, bold titles), STOP kept by the helpline."""

from __future__ import annotations

import pytest

from helpline.content import SMS
from helpline.core import compose
from helpline.core.split import split_message
from helpline.web.content import loaded_content
from helpline.whatsapp import render

from ..sms.conftest import opted_out
from .conftest import ADDRESS, NUMBER

LANGUAGES = ("en", "es", "fr", "ar", "ru", "zh")


def _first_keyword(app, language: str, section: str) -> str:
    with app.app_context():
        return loaded_content().content.pack(language).intents[section][0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_gets_each_section_as_one_whatsapp_message(app, whatsapp, language):
    with app.app_context():
        loaded = loaded_content()
        pack = loaded.content.pack(language)
        sections = [s for s in loaded.content.catalogue]
        label = pack.texts["sms.part_label"].sms.format(n=1, total=2)[:2]  # "(1"
    for section in sections:
        keyword = _first_keyword(app, language, section.id)
        with app.app_context():
            ids = [section.intro] if section.chooser else compose.section_ids(pack, section.id)
            whole = "\n\n".join(render.item(pack, i, loaded.values) for i in ids)

        replies = whatsapp.send(keyword)

        assert all(len(reply) <= render.MAX_BODY for reply in replies)
        if len(whole) <= render.MAX_BODY:  # the section fits: one message, no labels
            assert replies == [whole], (language, section.id)
            assert not replies[0].startswith(label)
        else:
            assert len(replies) == 2 and replies[0].startswith(label), (language, section.id)


def test_a_section_that_would_be_several_texts_is_one_message_with_bold_titles(app, whatsapp,
                                                                               texter):
    sms_parts = texter.send("CHECKLIST")
    [reply] = whatsapp.send("CHECKLIST")

    # By SMS a small piece that ends with MORE; on WhatsApp the whole section at once.
    assert len(reply) > 2 * len("".join(sms_parts))
    assert "*1. Pathology reports and slides*\n" in reply
    assert "*6. " in reply and not reply.startswith("(")


def test_a_reply_longer_than_twilio_allows_is_split_between_items(app):
    with app.app_context():
        loaded = loaded_content()
        pack = loaded.content.pack("en")
        ids = [t.id for s in pack.sections.values() for t in s.items]
        parts = render.parts(pack, ids, loaded.values)
        items = [render.item(pack, text_id, loaded.values) for text_id in ids]

    assert len(parts) > 1 and all(len(part) <= 1600 for part in parts)
    assert parts[0].startswith("(1 of ")
    # Every item whole in exactly one part: nothing cut inside an item.
    for text in items:
        assert sum(text in part for part in parts) == 1
    assert split_message(items, "({n} of {total})", soft_limit=1600, hard_limit=1600,
                         separator="\n\n") == parts


def test_stop_on_whatsapp_is_honoured_by_the_helpline(app, whatsapp, store, words):
    assert whatsapp.send("STOP") == [words("sms.opted_out")]
    assert whatsapp.send("CHECKLIST") == []
    assert opted_out(store, ADDRESS)
    # Kept apart from the number's SMS opt-out unless the operator shares them.
    assert not opted_out(store, NUMBER)

    assert whatsapp.send("START") == [words("sms.opted_in")]
    assert whatsapp.send("QUESTIONS")


def test_shared_opt_out_stops_sms_and_whatsapp_alike(settings, store, words):
    from helpline import create_app

    from ..conftest import Texter, Twilio

    app = create_app({**settings, "HELPLINE_WHATSAPP_SHARED_OPT_OUT": "1"})
    twilio = Twilio(app.test_client())
    whatsapp, sms = Texter(twilio, ADDRESS), Texter(twilio, NUMBER)

    assert whatsapp.send("STOP") == [words("sms.opted_out")]
    assert sms.send("CHECKLIST") == []
    assert sms.send("START") == [words("sms.opted_in")]
    assert whatsapp.send("CHECKLIST")


def test_help_and_urgent_words_on_whatsapp(whatsapp, words):
    assert whatsapp.send("HELP") == [words("sms.help")]
    [urgent] = whatsapp.send("I can't breathe")
    assert urgent.startswith(words("sms.safety_call", emergency_number="999"))


def test_whatsapp_usage_is_counted_as_whatsapp(app, whatsapp, texter, store):
    from helpline.web import usage

    whatsapp.send("CHECKLIST")
    texter.send("CHECKLIST")
    usage.recorder(app).flush()
    with store.reading() as tx:
        counts = {(c.channel, c.kind) for c in tx.usage.counts()}
    assert ("whatsapp", "checklist") in counts and ("sms", "checklist") in counts


def test_whatsapp_words_need_sms_words(app):
    with app.app_context():
        pack = loaded_content().content.pack("en")
    for text_id in ("whatsapp.listen_sent", "whatsapp.template_invite"):
        assert pack.texts[text_id].for_channel(SMS)
