"""The texting conversation: what to answer to one text, whatever channel carries it.

A text is read once (language, opt-out, place, discreet flag: one query), matched, answered,
and what it changed is kept in at most one write. The answer is a list of message bodies; the
SMS webhook renders them as TwiML <Message>s, and another channel may render them its own way.

Order: reserved words and any way of asking to stop, safety, then commands and keywords
(see ``KeywordTable``). A stop is confirmed and never answered with content.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask import current_app

from ..content import SMS, LanguagePack
from ..core import compose, discreet, emergency, phone, pieces, share_request
from ..core.keywords import Intent
from ..core.normalise import normalise
from ..core.privacy import mask_number, shown_to_sender
from ..core.send_limits import ALL
from ..outbound import sending
from ..outbound.policy import current_policy
from ..store import TexterState, get_store
from ..store.contacts import with_fresh_place
from ..web import usage
from ..web.content import LoadedContent, loaded_content
from ..whatsapp import hook as whatsapp_hook
from ..whatsapp import number_of as whatsapp_number
from ..whatsapp import render as whatsapp_render
from . import reminders

log = logging.getLogger(__name__)

#: A command named <section>_in (QUESTIONS FRENCH) sends that section in another language.
IN_LANGUAGE = "_in"

#: What a texter reads after asking for a caregiver share, by the outbound outcome.
SHARE_TEXTED = {sending.SENT: "sms.share_sent", sending.INVALID: "sms.share_invalid",
                sending.LIMIT: "sms.share_limit", sending.NOT_SENT: "sms.share_not_sent"}

#: Commands answered with one fixed text, besides compose.COMMAND_REPLIES.
FIXED = {"thanks": "sms.thanks", "help_me": "sms.help"}


@dataclass
class Answer:
    """The messages to send back (none: stay silent) and the language they are in."""

    language: str
    messages: list[str] = field(default_factory=list)


@dataclass
class _Changes:
    """What this text changes about the texter, written once at the end."""

    language: str | None = None
    position: str | None = None
    discreet: bool | None = None
    #: The neutral first line a discreet texter's piece starts with (it counts in the budget).
    head: str = ""


def answer(number: str, body: str) -> Answer:
    """The whole conversation step for a text ``body`` from ``number`` (E.164, or "")."""
    setup = loaded_content()
    store = get_store()
    state = TexterState()
    if number:
        # One plain read (no transaction, no session): texts answered by other workers never
        # queue behind this one for SQLite's write lock, and an opt-out is read afresh.
        state = with_fresh_place(store.texter_state(number))
    intent = setup.keywords.match(body, prefer=state.language)
    language = setup.content.pack(intent.language or state.language).code
    usage.record(whatsapp_hook.channel(), intent.name, language=language)
    via = normalise(body).upper()[:32]
    if intent.name == "opt_out":
        with store.transaction() as tx:
            tx.contacts.record_opt_out(number, via=via or "STOP")
        log.info("opt-out from %s", mask_number(number))
        # Asking to stop and for help at once: the urgent-care words come first, always.
        urgent = _safety(setup, _plain(number), language) if intent.urgent else []
        if state.opted_out:
            return Answer(language, urgent)
        return Answer(language, [*urgent, *_render(setup, language, ["sms.opted_out"])])
    if intent.name == "opt_in":
        if not state.opted_out:  # "yes" or START from a number that never stopped
            if whatsapp_hook.replying():
                whatsapp_hook.arrived(number, intent.name, setup.content.catalogue)
            return Answer(language, _render(setup, language, ["sms.already_on"]))
        with store.transaction() as tx:
            tx.contacts.record_opt_in(number, via=via or "START")
        if whatsapp_hook.replying():
            whatsapp_hook.arrived(number, intent.name, setup.content.catalogue)
        return Answer(language, _render(setup, language, ["sms.opted_in"]))
    if state.opted_out:
        return Answer(language)
    if whatsapp_hook.replying():  # the 24-hour window opens; a template's offer follows
        offered = whatsapp_hook.arrived(number, intent.name, setup.content.catalogue)
        if offered and intent.name == "unknown":
            return Answer(language)  # a reply to the template: what it offered is on its way
    changes = _Changes()
    if intent.language and intent.language != state.language and number:
        changes.language = intent.language
    if state.discreet:
        changes.head = setup.content.pack(language).render("sms.discreet_line", SMS,
                                                           setup.values)
    messages, language = _converse(setup, intent, body, number, state, language, changes)
    if state.discreet if changes.discreet is None else changes.discreet:
        pack = setup.content.pack(language)
        messages = discreet.discreet(messages, pack.sensitive_words,
                                     pack.render("sms.discreet_line", SMS, setup.values))
    if number and (changes.language or changes.position is not None
                   or changes.discreet is not None):
        with store.transaction() as tx:
            tx.contacts.remember(number, language=changes.language, position=changes.position,
                                 discreet=changes.discreet)
    return Answer(language, messages)


def _converse(setup: LoadedContent, intent: Intent, body: str, number: str,
              state: TexterState, language: str, changes: _Changes) -> tuple[list[str], str]:
    """Everything but the reserved words, for a texter who has not opted out."""
    content = setup.content
    catalogue = content.catalogue
    sections = {section.id for section in catalogue}
    name = intent.name
    place = pieces.Place.decode(state.position)
    if name == "safety":
        return _safety(setup, _plain(number), language), language
    if name == "share":
        return _share(setup, _plain(number), intent.argument, language), language
    if name in reminders.INTENTS:
        return reminders.answer(intent, _plain(number), language), language
    if name == "forget":
        with get_store().transaction() as tx:
            deleted = tx.housekeeping.forget(number)
        log.info("forgot %s: %s", mask_number(number), deleted)
        changes.language = None  # forgotten: nothing of it is written back
        return _render(setup, language, ["sms.forget_done"]), language
    if name in ("discreet", "discreet_off"):
        changes.discreet = name == "discreet"
        return _render(setup, language, [f"sms.{name}" if changes.discreet is False
                                         else "sms.discreet_on"]), language
    if name in FIXED:
        return _render(setup, language, [FIXED[name]]), language
    if name in ("more", "all"):
        return _more_or_all(setup, name, number, place, language, changes)
    bare = normalise(body).isdigit()
    if bare and place is not None and place.section in sections:
        # A bare number after a piece of a section picks an item of it.
        return _item(setup, place.section, int(normalise(body)), place.language or language,
                     place.language, changes), place.language or language
    asked = setup.keywords.item_request(body, sections)
    if asked is not None:
        section, number_asked = asked
        return _item(setup, section, number_asked, language, "", changes), language
    if name.endswith(IN_LANGUAGE) and name.removesuffix(IN_LANGUAGE) in sections:
        # QUESTIONS ZH: the section in that language; the texter's own language stays.
        other = content.pack(intent.argument).code
        return _first_piece(setup, name.removesuffix(IN_LANGUAGE), other, other, changes,
                            []), other
    if whatsapp_hook.replying():
        if name == "listen":  # the voice note of what was last sent
            return whatsapp_hook.listen(number, language), language
        if name in sections:  # WhatsApp has no segments: the whole section, one message
            return _render(setup, language, compose.reply_ids(
                content.pack(language), catalogue, name)), language
    if name in sections:
        # Several topics named: the first one named, then the keywords for the others.
        named = [] if bare else setup.keywords.topics(body, sections)
        first = named[0] if name in named else name
        others = [topic for topic in named if topic != first]
        return _first_piece(setup, first, language, "", changes, others), language
    section = catalogue.section_of(name)
    if section is not None and name in content.pack(language).texts:
        index = pieces.reading_list(content.pack(language), section.id).index(name)
        return _from(setup, section.id, index, language, "", changes, single=True), language
    if name == "menu":
        changes.position = pieces.MENU
    if name == "unknown" and len(normalise(body).split()) <= 2:
        # "oui", "да", "是": a yes in any language (only English YES is a carrier word) gets
        # the same kind answer as YES, never "did not understand".
        said = setup.keywords.match(body, allowed={"yes"})
        if said.name == "yes":
            return _render(setup, said.language or language, ["sms.already_on"]), \
                said.language or language
    return _render(setup, language, [compose.COMMAND_REPLIES.get(name, "sms.unknown")]), language


def _first_piece(setup: LoadedContent, section: str, language: str, read_in: str,
                 changes: _Changes, others: list[str]) -> list[str]:
    """A keyword's answer: the first piece of its section; other topics named, listed."""
    pack = setup.content.pack(language)
    tail = []
    values = dict(setup.values)
    if others:
        values["keywords"] = ", ".join(pack.intents[s][0] for s in others if pack.intents.get(s))
        tail = ["sms.also"]
    found = pieces.piece(pack, section, 0, values, tail=tail,
                         head=_head(setup, pack, changes))
    changes.position = _place(pack, section, found.next, read_in)
    return [found.text]


def _from(setup: LoadedContent, section: str, index: int, language: str, read_in: str,
          changes: _Changes, *, single: bool = False) -> list[str]:
    pack = setup.content.pack(language)
    found = pieces.piece(pack, section, index, setup.values, single=single,
                         head=_head(setup, pack, changes))
    changes.position = _place(pack, section, found.next, read_in)
    return [found.text]


def _item(setup: LoadedContent, section: str, number: int, language: str, read_in: str,
          changes: _Changes) -> list[str]:
    """"CHECKLIST 3", or 3 after a piece of the checklist: that item alone."""
    pack = setup.content.pack(language)
    index = pieces.item_index(pack, section, number)
    if index is None:
        values = {**setup.values, "n": number, "total": pieces.item_count(pack, section)}
        return [pack.render("sms.no_item", SMS, values)]
    return _from(setup, section, index, language, read_in, changes, single=True)


def _more_or_all(setup: LoadedContent, name: str, number: str, place: pieces.Place | None,
                 language: str, changes: _Changes) -> tuple[list[str], str]:
    content = setup.content
    if place is None or content.catalogue.get(place.section) is None:
        return _render(setup, language, ["sms.more_none"]), language
    read_in = place.language or language
    pack = content.pack(read_in)
    if name == "more":
        if place.next >= len(pieces.reading_list(pack, place.section)):
            return _render(setup, language, ["sms.more_end"]), language
        return _from(setup, place.section, place.next, read_in, place.language, changes), read_in
    if number:
        with get_store().transaction() as tx:
            refused = current_policy().check_reply(tx, ALL, number)
        if refused is not None:
            return _render(setup, language, ["sms.all_limit"]), language
    ids = pieces.reading_list(pack, place.section)
    return _layout()(pack, ids, setup.values), read_in


def _head(setup: LoadedContent, pack: LanguagePack, changes: _Changes) -> str:
    """The discreet line in the language of the piece, when the texter asked for it."""
    return pack.render("sms.discreet_line", SMS, setup.values) if changes.head else ""


def _place(pack: LanguagePack, section: str, next_index: int | None, read_in: str) -> str:
    """The place to keep: the next entry, or past the end once the last was sent."""
    after = len(pieces.reading_list(pack, section)) if next_index is None else next_index
    return pieces.Place(section, after, read_in).encode()


def _share(setup: LoadedContent, sender: str, argument: str, language: str) -> list[str]:
    """SHARE <number> [language]: the shared section to a caregiver, in the language asked."""
    request = share_request.read_share(argument, setup.keywords.language_named)
    values = {**setup.values, "example_number": share_request.example_number(sender)}
    region = phone.region_of(sender)
    recipient = phone.to_e164(request.typed, region) if request.typed else None
    if share_request.is_example(phone.to_e164(request.typed, region, strict=False)):
        return _render(setup, language, ["sms.share_example"], values)
    read_in = setup.content.pack(request.language or language).code
    outcome = sending.share_with_caregiver(sender, request.typed, read_in)
    if outcome == sending.SENT and recipient:
        values["masked_number"] = shown_to_sender(recipient)
    return _render(setup, language, [SHARE_TEXTED[outcome]], values)


def _safety(setup: LoadedContent, number: str | None, language: str) -> list[str]:
    """The urgent-care text, naming the texter's own country's emergency number where the
    helpline knows it (as calls do), then the crisis line where one is set."""
    config = current_app.config
    said = emergency.emergency_number(
        number, str(config.get("HELPLINE_EMERGENCY_NUMBER") or ""),
        phone.region_of(config.get("TWILIO_FROM_NUMBER") or "") or "")
    ids = ["sms.safety_call" if said else "sms.safety"]
    if config.get("HELPLINE_CRISIS_LINE"):
        ids.append("sms.crisis_line")
    return _render(setup, language, ids, {"emergency_number": said})


def _render(setup: LoadedContent, language: str, text_ids: list[str],
            values: dict[str, object] | None = None) -> list[str]:
    pack = setup.content.pack(language)
    return _layout()(pack, text_ids, {**setup.values, **(values or {})})


def _layout():
    """SMS parts, or WhatsApp's: one message per section, bold titles (whatsapp/render.py)."""
    return whatsapp_render.parts if whatsapp_hook.replying() else compose.parts


def _plain(number: str) -> str:
    """The phone number of a WhatsApp texter's key (``whatsapp:+...``); SMS numbers as they are."""
    return (whatsapp_number(number) or number) if whatsapp_hook.replying() else number
