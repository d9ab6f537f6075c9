"""Province deadlines officers add, change or remove in chat or by `ocop-bot calendar import`.

Revision ID: 0007
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision = "0007"
down_revision = "0003"  # other feature branches add 0004-0006 beside it; `upgrade heads` applies all
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "province_deadlines",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("province_deadlines")
