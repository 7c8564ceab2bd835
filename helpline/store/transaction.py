"""A transaction: one session, and the store's topics over it.

``store.transaction()`` (write) and ``store.reading()`` hand one out. Work done through its
topics commits together when the ``with`` block ends, or not at all::

    with store.transaction() as tx:
        tx.contacts.record_opt_out(number, via="STOP")   # suppresses the queue too
        tx.outbox.enqueue(number, parts, kind="reply")   # stored already suppressed

Plain numbers come in, keyed hashes go to the database: the only plain number written is an
unsent message's recipient.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from .callers import Callers
from .contacts import Contacts
from .hashing import NumberHasher
from .housekeeping import Housekeeping
from .meta import Meta
from .number_cipher import NumberCipher
from .outbox import Outbox
from .receipts import Receipts
from .reminders import Reminders
from .report_queries import ReportQueries
from .send_counts import SendCounts
from .send_rate import SendRateSlots
from .usage_events import UsageEvents
from .whatsapp import WhatsAppWindows


class Transaction:
    """The session of one unit of work, and each topic of the store over it.

    A topic is a few attributes over this transaction, made when asked for: cheap, and no
    reference cycle keeps a finished transaction's session alive.
    """

    def __init__(self, session: Session, hasher: NumberHasher,
                 cipher: NumberCipher | None = None) -> None:
        self.session = session
        self.hasher = hasher
        #: Encrypts the numbers reminders must keep (see ``number_cipher.py``).
        self.cipher = cipher
        self.dialect = session.get_bind().dialect.name

    @property
    def contacts(self) -> Contacts:
        return Contacts(self)

    @property
    def callers(self) -> Callers:
        return Callers(self)

    @property
    def outbox(self) -> Outbox:
        return Outbox(self)

    @property
    def receipts(self) -> Receipts:
        return Receipts(self)

    @property
    def reminders(self) -> Reminders:
        return Reminders(self)

    @property
    def send_rate(self) -> SendRateSlots:
        return SendRateSlots(self)

    @property
    def send_counts(self) -> SendCounts:
        return SendCounts(self)

    @property
    def usage(self) -> UsageEvents:
        return UsageEvents(self)

    @property
    def housekeeping(self) -> Housekeeping:
        return Housekeeping(self)

    @property
    def meta(self) -> Meta:
        return Meta(self)

    @property
    def reports(self) -> ReportQueries:
        return ReportQueries(self)

    @property
    def whatsapp(self) -> WhatsAppWindows:
        return WhatsAppWindows(self)
