"""``helpline simulate``: call or text the helpline from a terminal, through the real webhooks."""

from __future__ import annotations

from collections import Counter
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..store import get_store
from ..web.content import current_content
from . import dispatch
from .terminal import HELPLINE_ERROR, OK, CallSimulation, inputs_from
from .twiml import TwimlError, parse_messages, sms_part

simulate_group = AppGroup("simulate", help="Call or text the helpline from this terminal, "
                          "without a phone. Simulated traffic is not counted in usage figures "
                          "and no text is sent through Twilio.")

_INPUTS = "helpline.simulate.inputs"

STYLES = {
    "request": {"dim": True}, "say": {}, "play": {"fg": "cyan"}, "transcript": {},
    "pause": {"dim": True}, "listen": {"fg": "yellow"}, "input": {"fg": "green", "bold": True},
    "info": {"dim": True}, "end": {"bold": True}, "error": {"fg": "red", "bold": True},
}
INDENT = {"say": "  ", "play": "  ", "transcript": "      ", "pause": "  ", "listen": "  ",
          "info": "  "}


class _InputsInOrder(click.Command):
    """Keeps every --keys and --say in the order typed (click groups each option's values)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        steps: list[tuple[str, str]] = []
        try:
            opts, _, order = self.make_parser(ctx).parse_args(args=list(args))
        except click.UsageError:
            opts, order = {}, []  # the real parse below reports it
        seen: Counter[str] = Counter()
        for param in order:
            if param.name in ("keys", "say"):
                values = opts.get(param.name) or []
                if seen[param.name] < len(values):
                    steps.append((param.name, values[seen[param.name]]))
                seen[param.name] += 1
        ctx.meta[_INPUTS] = steps
        return super().parse_args(ctx, args)


def _app() -> Flask:
    return current_app._get_current_object()  # type: ignore[attr-defined]


def _line(kind: str, text: str) -> None:
    click.secho(INDENT.get(kind, "") + text, **STYLES.get(kind, {}))


def _caller(number: str | None, lang: str | None) -> str:
    """The simulated caller's number: --from, else a mobile in a country of --lang."""
    numbers = dispatch.caller_numbers(current_content(),
                                      fictional=not current_app.config.get("LOCAL_MODE"))
    if number:
        try:
            return dispatch.simulated_caller(number, current_app.config)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--from") from None
    chosen = next((n for n in numbers if n["code"] == lang), numbers[0])
    return chosen["number"]


def _check_lang(lang: str | None) -> None:
    codes = current_content().codes
    if lang is not None and lang not in codes:
        raise click.BadParameter(f"{lang!r} is not enabled; enabled: {', '.join(codes)}",
                                 param_hint="--lang")


def _print_queued(number: str, after: int) -> None:
    """Texts the helpline queued for the simulated phone: shown here, never sent."""
    with get_store().reading() as tx:
        queued = tx.outbox.simulated_to(number, after)
    if not queued:
        return
    click.secho(f"\nTexts queued for {number} (simulated, not sent through Twilio):", bold=True)
    for item in queued:
        part = sms_part(item.body)
        click.secho(f"  [{item.kind} {item.position}/{item.total} · {part.encoding} · "
                    f"{part.segments} segment(s)]", dim=True)
        click.echo("  " + item.body.replace("\n", "\n  "))


def _last_queued(number: str) -> int:
    with get_store().reading() as tx:
        rows = tx.outbox.simulated_to(number)
        while len(rows) == 100:  # more than one page: keep reading to the newest
            more = tx.outbox.simulated_to(number, rows[-1].id)
            if not more:
                break
            rows = more
    return rows[-1].id if rows else 0


@simulate_group.command("call", cls=_InputsInOrder)
@click.option("--keys", multiple=True, metavar="KEYS",
              help='Keys to press, e.g. "1 3 9 9". A space is a pause: each menu takes its '
                   'keys from the next group; "_" stays silent; the caregiver number ends with '
                   '#. Repeatable.')
@click.option("--say", multiple=True, metavar="WORDS",
              help='Words to say at the next menu, e.g. "checklist". Repeatable; --keys and '
                   "--say are used in the order given.")
@click.option("--lang", default=None, metavar="CODE",
              help="Call in this language (e.g. es): it is chosen at the language menu, and the "
                   "caller's number is from a country that speaks it.")
@click.option("--from", "from_", default=None, metavar="NUMBER",
              help="The caller's number (default: a mobile number for --lang).")
@click.pass_context
def call_command(ctx: click.Context, keys: tuple[str, ...], say: tuple[str, ...],
                 lang: str | None, from_: str | None) -> None:
    """Call the helpline and print what the caller hears, step by step.

    Each prompt is printed as text; a recording as "▶ audio/en/<file>.mp3" with its words.
    Every request is signed as Twilio signs it and goes through the real webhooks.

    \b
    Exit status:
      0  every key and word was used, and the call is still listening or ended normally
      1  some input was not used: the call ended first, or nothing listened for it
      3  the helpline answered an error or something that is not TwiML
    """
    _check_lang(lang)
    app = _app()
    caller = _caller(from_, lang)
    steps: list[tuple[str, str]] = list(ctx.meta.get(_INPUTS) or [])
    codes = current_content().codes
    if lang and len(codes) > 1:
        steps.insert(0, ("keys", str(codes.index(lang) + 1)))
    inputs = inputs_from(steps)
    call_sid = dispatch.new_call_sid()
    before = _last_queued(caller)

    def post(url: str, fields: dict[str, Any]) -> dispatch.WebhookAnswer:
        form = dispatch.call_params(app.config, caller, call_sid, **fields)
        return dispatch.post_webhook(app, url, form)

    click.secho(f"Calling {dispatch.helpline_number(app.config)} from {caller} (simulated: not "
                "counted, no texts leave this machine)", bold=True)
    simulation = CallSimulation(post, _line, lambda url: dispatch.transcript_for(app, url))
    outcome = simulation.run(inputs)
    if outcome.screen and outcome.exit_code == OK:
        _line("end", f"Call still open, listening at {outcome.screen}; hanging up.")
    if outcome.exit_code != HELPLINE_ERROR:
        # As Twilio would when the call ends: the status callback (counted as simulated).
        post("/voice/status", {"CallStatus": "completed", "CallDuration": "0"})
    _print_queued(caller, before)
    ctx.exit(outcome.exit_code)


@simulate_group.command("sms")
@click.argument("body")
@click.option("--from", "from_", default=None, metavar="NUMBER",
              help="The texter's number (default: a mobile number for --lang).")
@click.option("--lang", default=None, metavar="CODE",
              help="Text from a country that speaks this language (sets the default number).")
@click.pass_context
def sms_command(ctx: click.Context, body: str, from_: str | None, lang: str | None) -> None:
    """Text BODY to the helpline and print each reply part with its encoding and segments.

    \b
    Exit status:
      0  the helpline answered (with or without a reply)
      3  the helpline answered an error or something that is not TwiML
    """
    _check_lang(lang)
    app = _app()
    sender = _caller(from_, lang)
    before = _last_queued(sender)
    answer = dispatch.post_webhook(app, "/sms", dispatch.sms_params(app.config, sender, body))
    click.secho(f"{sender} texts: {body}", bold=True)
    if answer.status != 200:
        _line("error", f"the helpline answered HTTP {answer.status}")
        ctx.exit(HELPLINE_ERROR)
    try:
        parts = parse_messages(answer.body)
    except TwimlError as exc:
        _line("error", f"the helpline answered something that is not TwiML ({exc})")
        ctx.exit(HELPLINE_ERROR)
    if not parts:
        click.secho("No reply (Twilio sends nothing).", dim=True)
    for n, part in enumerate(parts, start=1):
        click.secho(f"\nReply {n} of {len(parts)} · {part.encoding} · {part.segments} "
                    f"segment(s) · {part.characters} characters", bold=True)
        click.echo(part.text)
    _print_queued(sender, before)
    ctx.exit(OK)
