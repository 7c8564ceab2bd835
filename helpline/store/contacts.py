"""Contacts: whether a number may be texted, and the language it reads.

Plain numbers come in and only keyed hashes are stored. An opt-out is the helpline's most
important rule, so it is recorded in exactly one place, ``Contacts.record_opt_out``, which also
suppresses what is queued for the number: a STOP texted in, a STOP Twilio reports (21610) and a
STOP replayed from the spool after a database outage all come through it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import fields, replace
from datetime import datetime, timedelta

from sqlalchemy import Select, bindparam, select, update

from ..core.privacy import mask_number
from .hashing import KeyedHash
from .models import Contact, utcnow
from .records import TexterState
from .topic import Topic, clean_text

log = logging.getLogger(__name__)

#: How long a texter's place in what was last sent counts: "MORE" a day later starts afresh.
POSITION_LIFETIME = timedelta(hours=24)

#: What an incoming text reads about its sender: the hash (to prefer the current key's record)
#: and one column per ``TexterState`` field.
TEXTER_COLUMNS = (Contact.number_hash,
                  *(getattr(Contact, field.name) for field in fields(TexterState)))


def texter_state_statement(candidates: int) -> Select:
    """The texter-state read as one Core statement for ``candidates`` hashes (the current key
    and each old one): built once per store, compiled once per process by SQLAlchemy's cache,
    and run on a plain connection, with no ORM session or objects."""
    hashes = [bindparam(f"h{i}") for i in range(candidates)]
    return select(*TEXTER_COLUMNS).where(Contact.number_hash.in_(hashes))


def texter_state_params(hashes: list[str], candidates: int) -> dict[str, str]:
    """Bind values for ``texter_state_statement``; fewer hashes (a KeyedHash) repeat the first."""
    padded = hashes + [hashes[0]] * (candidates - len(hashes))
    return {f"h{i}": value for i, value in enumerate(padded[:candidates])}


def with_fresh_place(state: TexterState, now: datetime | None = None) -> TexterState:
    """The state with a place older than ``POSITION_LIFETIME`` read as none."""
    if state.position_at is None or state.position_at >= (now or utcnow()) - POSITION_LIFETIME:
        return state
    return replace(state, position=None, position_at=None)


class Contacts(Topic):
    """Opt-outs, opt-ins and languages, keyed by the number's hash."""

    def is_opted_out(self, number: str) -> bool:
        """True if any record of the number says STOP: when in doubt, do not text."""
        return any(contact.opted_out for contact in self.records_of(number))

    def record_opt_out(
        self,
        number: str,
        via: str,
        now: datetime | None = None,
        *,
        said_at: datetime | None = None,
    ) -> int | None:
        """Remember that the number (or its ``KeyedHash``) must not be texted; suppress its queue.

        Returns how many queued messages were suppressed. Suppressing here, not in the caller,
        makes it impossible to record a STOP and still send what was waiting.

        ``said_at`` is for a STOP recorded after the fact (replayed from the spool): if the
        number said START after that moment, START wins, nothing changes and None is returned.
        A live STOP never compares times: instances do not share a clock, the flag decides.
        """
        if said_at is not None:
            if self._started_since(number, said_at):
                return None
            now = said_at
        now = now or utcnow()
        contact = self._contact_for_write(number, now)
        contact.opted_out = True
        contact.opted_out_at = now
        contact.opted_out_via = clean_text(via, 64)
        reason = f"opted out ({contact.opted_out_via})"
        suppressed = self._tx.outbox.suppress_unsent(number, reason=reason)
        self._tx.reminders.drop_for(number)  # STOP ends the reminders too, number and all
        log.info("Opt-out recorded for %s via %s.", _shown(number), contact.opted_out_via)
        return suppressed

    def record_opt_in(self, number: str, via: str, now: datetime | None = None) -> None:
        now = now or utcnow()
        self._contact_for_write(number, now)
        for contact in self.records_of(number, lock=True):  # every record, old keys included
            contact.opted_out = False
            contact.opted_in_at = now
            contact.opted_in_via = clean_text(via, 64)
        log.info("Opt-in recorded for %s via %s.", _shown(number), clean_text(via, 64))

    def texter_state(self, number: str) -> tuple[str | None, bool]:
        """(language, opted out) in one query: what every incoming text needs first."""
        state = self.texter(number)
        return state.language, state.opted_out

    def texter(self, number: str, now: datetime | None = None) -> TexterState:
        """Language, opt-out, place and discreet flag, in one query inside this transaction
        (webhooks use the store's ``texter_state``, which needs no transaction)."""
        hashes = self._hasher.candidates(number)
        rows = self._session.execute(texter_state_statement(len(hashes)),
                                     texter_state_params(hashes, len(hashes)))
        return with_fresh_place(TexterState.of(rows, hashes[0]), now)

    def is_discreet(self, number: str) -> bool:
        """True when texts to the number must keep their subject off the first line
        (the texter sent DISCREET): reminders and every other text the helpline starts
        ask this before composing."""
        return any(contact.discreet for contact in self.records_of(number))

    def remember(self, number: str, *, language: str | None = None,
                 position: str | None = None, discreet: bool | None = None,
                 now: datetime | None = None) -> None:
        """Keep what a text changed (language, place, discreet) in one upsert statement.

        ``position`` "" clears the place. The upsert keeps an SMS at one read and one write;
        a row under an old key is left to the next full write to re-key.
        """
        now = now or utcnow()
        changes: dict[str, object] = {"updated_at": now}
        if language is not None:
            changes["language"] = clean_text(language, 16)
        if position is not None:
            changes["position"] = clean_text(position, 64)
            changes["position_at"] = now
        if discreet is not None:
            changes["discreet"] = discreet
        row = {"number_hash": self._hasher.hash(number), "opted_out": False,
               "discreet": False, "created_at": now, **changes}
        stmt = self._insert(Contact).values(**row)
        self._session.execute(stmt.on_conflict_do_update(
            index_elements=["number_hash"], set_=changes))

    def set_language(self, number: str, code: str, now: datetime | None = None) -> None:
        now, language = now or utcnow(), clean_text(code, 16)
        if self._hasher.key_count > 1 or isinstance(number, KeyedHash):
            # During a key rotation the row may still sit under an old key: move it.
            self._contact_for_write(number, now).language = language
            return
        # One statement, the text's only write: insert the row, or set the language on it.
        self._session.execute(
            self._insert(Contact)
            .values(number_hash=self._hasher.hash(number), language=language, opted_out=False,
                    created_at=now, updated_at=now)
            .on_conflict_do_update(index_elements=["number_hash"],
                                   set_={"language": language, "updated_at": now})
        )

    def expire_places(self, now: datetime | None = None) -> int:
        """Drop places older than ``POSITION_LIFETIME``: read as none already, and not kept
        longer than they are of use. Returns how many were dropped."""
        stmt = (update(Contact)
                .where(Contact.position_at < (now or utcnow()) - POSITION_LIFETIME)
                .values(position=None, position_at=None)
                .execution_options(synchronize_session=False))
        return int(self._session.execute(stmt).rowcount or 0)

    def opted_out_among(self, hashes: Iterable[str]) -> set[str]:
        """Those of these hashes whose number said STOP (the outbox checks claimed rows)."""
        wanted = set(hashes)
        if not wanted:
            return set()
        stmt = select(Contact.number_hash).where(
            Contact.number_hash.in_(wanted), Contact.opted_out.is_(True)
        )
        return set(self._session.scalars(stmt))

    def records_of(self, number: str, *, lock: bool = False) -> list[Contact]:
        """The number's rows under the current and old keys (for the store's own topics)."""
        stmt = select(Contact).where(Contact.number_hash.in_(self._hasher.candidates(number)))
        if lock:
            stmt = stmt.with_for_update()
        return list(self._session.scalars(stmt.order_by(Contact.id)))

    def _started_since(self, number: str, moment: datetime) -> bool:
        return any(
            c.opted_in_at is not None and c.opted_in_at >= moment
            for c in self.records_of(number, lock=True)
        )

    def _contact_for_write(self, number: str, now: datetime) -> Contact:
        """The number's contact row, created if new and moved to the current key if old."""
        current = self._hasher.hash(number)
        contacts = self.records_of(number, lock=True)
        if not contacts:
            # Insert-or-ignore: two instances seeing a new number at once must not collide.
            self._session.execute(
                self._insert(Contact)
                .values(number_hash=current, opted_out=False, created_at=now, updated_at=now)
                .on_conflict_do_nothing(index_elements=["number_hash"])
            )
            contacts = self.records_of(number, lock=True)
        contact = next((c for c in contacts if c.number_hash == current), contacts[0])
        if contact.number_hash != current:
            contact.number_hash = current  # key rotation: re-keyed the first time it is seen
        return contact


def _shown(number: str) -> str:
    """A number as a log line may show it; a keyed hash has nothing to mask."""
    return "a spooled number" if isinstance(number, KeyedHash) else mask_number(number)
