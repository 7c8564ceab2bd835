"""A texter's place in what was last sent (for MORE and bare numbers) and the discreet flag.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("position", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("position_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("discreet", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("discreet")
        batch.drop_column("position_at")
        batch.drop_column("position")
