"""WhatsApp: the outbox knows a message's channel, voice note and template; the 24-hour
window of each WhatsApp number is kept by keyed hash.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("channel", sa.String(length=8), server_default="sms",
                                   nullable=False))
        batch.add_column(sa.Column("media_url", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("content_sid", sa.String(length=34), nullable=True))
        batch.add_column(sa.Column("content_variables", sa.Text(), nullable=True))
    op.create_table(
        "whatsapp_windows",
        sa.Column("number_hash", sa.String(length=64), nullable=False),
        sa.Column("last_inbound_at", sa.DateTime(), nullable=True),
        sa.Column("last_content", sa.String(length=64), nullable=True),
        sa.Column("pending", sa.String(length=128), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("number_hash", name=op.f("pk_whatsapp_windows")),
    )


def downgrade() -> None:
    op.drop_table("whatsapp_windows")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("content_variables")
        batch.drop_column("content_sid")
        batch.drop_column("media_url")
        batch.drop_column("channel")
