"""WhatsApp's 24-hour window per number, by keyed hash and nothing else.

WhatsApp lets a business answer freely for 24 hours after the person last wrote; after that
only an approved template may start a conversation. The window row also says the number is
known to use WhatsApp (what a call's text-me screen asks), what was last sent (what LISTEN
plays), and what waits for the person's reply after a template.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .models import WhatsAppWindow, utcnow
from .topic import Topic, clean_text

#: How long WhatsApp lets a business send free-form messages after the person's last message.
WINDOW = timedelta(hours=24)


class WhatsAppWindows(Topic):
    """Window, last content and pending delivery of WhatsApp numbers (``whatsapp:+...``)."""

    def _row(self, address: str, *, lock: bool = False) -> WhatsAppWindow | None:
        for key in self._hasher.candidates(address):
            row = self._session.get(WhatsAppWindow, key, with_for_update=lock or None)
            if row is not None:
                return row
        return None

    def _row_for_write(self, address: str, now: datetime) -> WhatsAppWindow:
        current = self._hasher.hash(address)
        row = self._row(address, lock=True)
        if row is None:
            self._session.execute(
                self._insert(WhatsAppWindow)
                .values(number_hash=current, updated_at=now)
                .on_conflict_do_nothing(index_elements=["number_hash"]))
            row = self._session.get(WhatsAppWindow, current, with_for_update=True)
        elif row.number_hash != current:
            row.number_hash = current  # key rotation: moved the first time it is written
        assert row is not None
        return row

    def touch(self, address: str, now: datetime | None = None) -> None:
        """The person wrote in: the window is open for the next 24 hours."""
        now = now or utcnow()
        row = self._row_for_write(address, now)
        row.last_inbound_at = now
        row.updated_at = now

    def is_open(self, address: str, now: datetime | None = None) -> bool:
        row = self._row(address)
        last = row.last_inbound_at if row is not None else None
        return last is not None and (now or utcnow()) - last < WINDOW

    def known(self, address: str) -> bool:
        """The number has written to the helpline on WhatsApp (and not asked to be forgotten)."""
        row = self._row(address)
        return row is not None and row.last_inbound_at is not None

    def remember_content(self, address: str, content_id: str) -> None:
        self._row_for_write(address, utcnow()).last_content = clean_text(content_id, 64)

    def last_content(self, address: str) -> str | None:
        row = self._row(address)
        return row.last_content if row is not None else None

    def hold(self, address: str, pending: str) -> None:
        """Keep what a template offered until the person replies (one offer at a time)."""
        self._row_for_write(address, utcnow()).pending = clean_text(pending, 128)

    def take_pending(self, address: str) -> str | None:
        row = self._row(address, lock=True)
        if row is None or not row.pending:
            return None
        pending, row.pending = row.pending, None
        return pending

    def forget(self, address: str) -> int:
        return self._delete(WhatsAppWindow,
                            WhatsAppWindow.number_hash.in_(self._hasher.candidates(address)))

    def expire(self, older_than: datetime) -> int:
        """Drop rows of numbers silent since before ``older_than`` (nothing waits for them)."""
        return self._delete(WhatsAppWindow, WhatsAppWindow.updated_at < older_than)
