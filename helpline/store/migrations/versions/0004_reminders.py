"""Reminders before a second-opinion appointment: one row per text still to send.

The number is stored encrypted; a row is deleted once its text is queued or cancelled.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch", sa.String(length=36), nullable=False),
        sa.Column("owner_hash", sa.String(length=64), nullable=False),
        sa.Column("to_hash", sa.String(length=64), nullable=False),
        sa.Column("number_sealed", sa.Text(), nullable=False),
        sa.Column("origin_sealed", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("appointment", sa.Date(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("simulated", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
    )
    op.create_index("ix_reminders_due_at_id", "reminders", ["due_at", "id"], unique=False)
    op.create_index(op.f("ix_reminders_owner_hash"), "reminders", ["owner_hash"], unique=False)
    op.create_index(op.f("ix_reminders_to_hash"), "reminders", ["to_hash"], unique=False)
    op.create_table(
        "send_rate",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("next_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_send_rate")),
    )


def downgrade() -> None:
    op.drop_table("send_rate")
    op.drop_index(op.f("ix_reminders_to_hash"), table_name="reminders")
    op.drop_index(op.f("ix_reminders_owner_hash"), table_name="reminders")
    op.drop_index("ix_reminders_due_at_id", table_name="reminders")
    op.drop_table("reminders")
