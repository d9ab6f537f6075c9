"""Photos and documents of officer broadcasts: the bytes, and each platform's id for them once uploaded.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision = "0008"
down_revision = "0006"  # belongs to the broadcasts of 0006; 0007 sits beside it (`upgrade heads` applies all)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "broadcast_media",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("broadcast_id", sa.Integer(), sa.ForeignKey("broadcasts.id", ondelete="CASCADE"), nullable=True),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("mime", sa.String(100), nullable=False),
        sa.Column("is_image", sa.Boolean(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("remote_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_broadcast_media_broadcast_id", "broadcast_media", ["broadcast_id"])


def downgrade() -> None:
    op.drop_table("broadcast_media")
