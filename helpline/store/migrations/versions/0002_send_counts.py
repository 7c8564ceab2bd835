"""Sending limits counted per day in send_counts; the share log they replace is dropped.

The share log was keyed by the numbers' stored hashes, so FORGET deleted it and with it the
limits. Counts live only for their day and are not linked to any contact.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "send_counts",
        sa.Column("key", sa.String(length=96), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("rule", sa.String(length=48), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_send_counts")),
    )
    op.create_index(op.f("ix_send_counts_day"), "send_counts", ["day"], unique=False)
    op.drop_index("ix_share_log_recipient_hash_created_at", table_name="share_log")
    op.drop_index("ix_share_log_sender_hash_created_at", table_name="share_log")
    op.drop_table("share_log")


def downgrade() -> None:
    op.create_table(
        "share_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_hash", sa.String(length=64), nullable=False),
        sa.Column("recipient_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_log")),
    )
    op.create_index(
        "ix_share_log_sender_hash_created_at", "share_log", ["sender_hash", "created_at"]
    )
    op.create_index(
        "ix_share_log_recipient_hash_created_at", "share_log", ["recipient_hash", "created_at"]
    )
    op.drop_index(op.f("ix_send_counts_day"), table_name="send_counts")
    op.drop_table("send_counts")
