"""Nothing lost across kill -9 (issue 15): inbound events stored before they are acknowledged.

Replies become outbox rows of the existing table (source "reply"); what is new is the table of events a
channel answered before handling them (Zalo).

Revision ID: 0013_reply_outbox
Revises: 0012_edge_limits
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision = "0013_reply_outbox"
down_revision = "0012_edge_limits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbound_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("dedup_key", sa.String(96), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_inbound_events_channel", "inbound_events", ["channel"])


def downgrade() -> None:
    op.drop_index("ix_inbound_events_channel", table_name="inbound_events")
    op.drop_table("inbound_events")
