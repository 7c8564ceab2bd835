"""Walk the whole menu graph: every spoken text is reachable, every screen names its keys."""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from pathlib import Path

from helpline.content.loader import load_content
from helpline.content.model import REMINDER_TEXTS
from helpline.core import menu
from helpline.voice.views import SHARE_SPOKEN, TEXT_ME_SPOKEN, WHATSAPP_SPOKEN

REPO = Path(__file__).resolve().parents[2]

#: Prompts that tell the caller which keys work; every listening screen ends with one (or with
#: the chooser text of a section that has one).
KEY_PROMPTS = {"menu.main", "menu.transfer", "menu.piece_keys", "menu.all_keys", "menu.back",
               "language.choose", "caregiver.ask_number", "caregiver.confirm_number",
               "text_me.offer_piece", "text_me.offer_shared", "text_me.offer_menu",
               "text_me.offer_section", "text_me.offer_whatsapp", "remember.offer",
               "remember.choices"}

#: Said by the webhooks rather than the menu: after a text request, a transfer or a failure.
SAID_BY_HANDLERS = {*TEXT_ME_SPOKEN.values(), *SHARE_SPOKEN.values(), *WHATSAPP_SPOKEN.values(),
                    "voice.error", "voice.goodbye", "transfer.failed",
                    "voice.urgent_care", "voice.urgent_care_local",
                    # the reminder screens (/voice/remind) speak their own
                    *(text_id for text_id in REMINDER_TEXTS if text_id.startswith(
                        "reminder.call_"))}


def walk(config: menu.MenuConfig) -> tuple[set[str], list[menu.Step]]:
    heard: set[str] = set()
    steps: list[menu.Step] = []
    start = menu.start(config)
    queue, seen = deque([start]), set()
    while queue:
        step = queue.popleft()
        steps.append(step)
        heard.update(say.text_id for say in step.prompts)
        if step.listen is None or step.listen in seen:
            continue
        seen.add(step.listen)
        keys = [*"0123456789*#", None, "447700900123", "0123456789", menu.NOT_UNDERSTOOD]
        for key in keys:
            queue.append(menu.answer(step.listen, key, config))
    return heard, steps


def test_every_spoken_text_in_the_content_is_reachable():
    content = load_content(REPO / "scripts_content", ["en"])
    pack = content.default
    heard: set[str] = set()
    for available, open_now in ((False, False), (True, True), (True, False)):
        config = menu.MenuConfig.for_content(content, transfer_available=available,
                                             transfer_open=open_now, can_remember=True,
                                             reminders=True, whatsapp=True)
        found, _ = walk(replace(config, languages=("en", "es")))
        heard |= found
        returning = menu.start(config, menu.Position("questions", "en", index=3))
        heard |= {say.text_id for say in returning.prompts}
        forgotten = menu.answer(returning.listen, "3", config)
        heard |= {say.text_id for say in forgotten.prompts}

    spoken = {text_id for text_id, text in pack.texts.items() if text.voice}

    assert spoken - heard - SAID_BY_HANDLERS == set()


def test_every_listening_screen_names_its_keys():
    content = load_content(REPO / "scripts_content", ["en"])
    config = menu.MenuConfig.for_content(content, transfer_available=True, transfer_open=True,
                                         can_remember=True)
    _, steps = walk(replace(config, languages=("en", "es")))
    choosers = {section.chooser for section in content.catalogue if section.chooser}

    listening = [step for step in steps if step.listen is not None]
    assert len(listening) > 100
    for step in listening:
        assert step.prompts[-1].text_id in KEY_PROMPTS | choosers, step
