"""Download links for files a platform cannot carry (the dossier ZIP on Zalo, or over Telegram's 50 MB).

Revision ID: 0015_file_links
Revises: 0014_product_set
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision = "0015_file_links"
down_revision = "0014_product_set"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "file_links",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("mime", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("locale", sa.String(8), nullable=False),
        sa.Column("fetches", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_file_links_user_id", "file_links", ["user_id"])
    op.create_index("ix_file_links_expires_at", "file_links", ["expires_at"])


def downgrade() -> None:
    op.drop_table("file_links")
