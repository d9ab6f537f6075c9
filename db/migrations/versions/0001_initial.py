"""Users, profiles, conversation state and processed update keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("channel_user_id", sa.String(64), nullable=False),
        sa.Column("locale", sa.String(8)),
        sa.Column("role", sa.String(16), nullable=False, server_default="producer"),
        sa.Column("consent_at", UTCDateTime()),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("notifications", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("channel", "channel_user_id", name="uq_users_channel_id"),
    )
    op.create_table(
        "profiles",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("org_name", sa.String(200)),
        sa.Column("producer_type", sa.String(32)),
        sa.Column("commune_code", sa.String(64)),
        sa.Column("product_group", sa.String(32)),
        sa.Column("main_product", sa.String(200)),
        sa.Column("phone", sa.String(32)),
        sa.Column("completed_at", UTCDateTime()),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "conversation_states",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("flow", sa.String(32)),
        sa.Column("step", sa.String(64)),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("keyboard", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "processed_updates",
        sa.Column("key", sa.String(96), primary_key=True),
        sa.Column("processed_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_processed_updates_processed_at", "processed_updates", ["processed_at"])


def downgrade() -> None:
    op.drop_index("ix_processed_updates_processed_at", "processed_updates")
    for table in ("processed_updates", "conversation_states", "profiles", "users"):
        op.drop_table(table)
