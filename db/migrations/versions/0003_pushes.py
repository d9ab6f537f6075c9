"""Pushes: the outbox, channel limits, per-kind push preferences, market bulletins.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Platform limits (shared/platforms.md). Zalo's are UNCONFIRMED: kept low and editable in the table.
LIMITS = [
    ("telegram", 30.0, 1.0, "Telegram Bot FAQ; PTB telegram.constants.FloodLimit"),
    ("zalo", 10.0, 1.0, "UNCONFIRMED: Zalo OA publishes no per-second limit; conservative default"),
    ("console", 1000.0, 1000.0, "local terminal: no platform limit"),
]


def upgrade() -> None:
    op.create_index("ix_user_dates_kind_value", "user_dates", ["kind", "value"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("source_key", sa.String(128), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("channel_user_id", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("parts_done", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(48)),
        sa.Column("lease_until", UTCDateTime()),
        sa.Column("outcome_detail", sa.String(300)),
        sa.Column("message_id", sa.String(64)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime()),
        sa.UniqueConstraint("source_key", "user_id", name="uq_outbox_source_user"),
    )
    op.create_index("ix_outbox_status_due", "outbox", ["status", "due_at"])
    op.create_index("ix_outbox_user_id", "outbox", ["user_id"])
    limits = op.create_table(
        "channel_limits",
        sa.Column("channel", sa.String(16), primary_key=True),
        sa.Column("per_second", sa.Float(), nullable=False),
        sa.Column("per_chat_per_second", sa.Float(), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
    )
    op.bulk_insert(limits, [
        {"channel": c, "per_second": s, "per_chat_per_second": p, "source": src} for c, s, p, src in LIMITS
    ])
    op.create_table(
        "push_preferences",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "kind"),
    )
    op.create_table(
        "bulletins",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("month", sa.String(7), nullable=False, unique=True),
        sa.Column("summary_vi", sa.String(4000), nullable=False),
        sa.Column("summary_en", sa.String(4000)),
        sa.Column("prices", sa.JSON(), nullable=False),
        sa.Column("groups", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("scheduled_at", UTCDateTime()),
        sa.Column("enqueued_at", UTCDateTime()),
    )


def downgrade() -> None:
    op.drop_table("bulletins")
    op.drop_table("push_preferences")
    op.drop_table("channel_limits")
    op.drop_index("ix_outbox_user_id", "outbox")
    op.drop_index("ix_outbox_status_due", "outbox")
    op.drop_table("outbox")
    op.drop_index("ix_user_dates_kind_value", "user_dates")
