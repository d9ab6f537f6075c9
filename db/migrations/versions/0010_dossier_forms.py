"""The dossier as the producer files it: answers for Mẫu 01/02 and evidence files per item (issue 12).

Revision ID: 0010_dossier_forms
Revises: 0009_web_console
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision = "0010_dossier_forms"
down_revision = "0009_web_console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier_forms",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "evidence_uploads",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("target", sa.String(64), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("mime", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_evidence_uploads_user_target", "evidence_uploads", ["user_id", "target"])


def downgrade() -> None:
    op.drop_table("evidence_uploads")
    op.drop_table("dossier_forms")
