"""Store meta: small named facts about the database itself (the key's fingerprint, when the
SQLite file was last compacted)."""

from __future__ import annotations

from .models import StoreMeta
from .topic import Topic


class Meta(Topic):
    """Read and write one named value, race-free on both backends."""

    def get(self, name: str) -> str | None:
        row = self._session.get(StoreMeta, name, with_for_update=True, populate_existing=True)
        return row.value if row is not None else None

    def set(self, name: str, value: str) -> None:
        stmt = self._insert(StoreMeta).values(name=name, value=value)
        self._session.execute(
            stmt.on_conflict_do_update(index_elements=["name"], set_={"value": value})
        )

    def setdefault(self, name: str, value: str) -> str:
        """The stored value, storing ``value`` first if there is none (first writer wins)."""
        self._session.execute(
            self._insert(StoreMeta)
            .values(name=name, value=value)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        stored = self.get(name)
        assert stored is not None
        return stored
