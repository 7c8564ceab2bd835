"""Returning callers: where a caller who asked to be remembered stopped, for a week.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "returning_callers",
        sa.Column("number_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("screen", sa.String(length=40), nullable=False),
        sa.Column("piece", sa.Integer(), nullable=False),
        sa.Column("slow", sa.Boolean(), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("number_hash", name=op.f("pk_returning_callers")),
    )
    op.create_index(op.f("ix_returning_callers_until"), "returning_callers", ["until"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_returning_callers_until"), table_name="returning_callers")
    op.drop_table("returning_callers")
