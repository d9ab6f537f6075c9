"""Producer journeys: personal dates, dossier marks, self-assessments, eligibility checks.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _user_fk() -> sa.Column:
    return sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "user_dates",
        _user_fk(),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("value", sa.Date(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "kind"),
    )
    op.create_table(
        "dossier_items",
        _user_fk(),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("has_it", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "kind", "item_id"),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _user_fk(),
        sa.Column("rule_set", sa.String(24), nullable=False),
        sa.Column("product_set", sa.String(16), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("total", sa.Integer()),
        sa.Column("stars", sa.Integer()),
        sa.Column("part_points", sa.JSON(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime()),
    )
    op.create_index("ix_assessments_user_id", "assessments", ["user_id"])
    op.create_index("ix_assessments_status_updated", "assessments", ["status", "updated_at"])
    op.create_table(
        "eligibility_checks",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("product_set", sa.String(16)),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("verdict", sa.String(24)),
        sa.Column("checked_at", UTCDateTime()),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("eligibility_checks")
    op.drop_index("ix_assessments_status_updated", "assessments")
    op.drop_index("ix_assessments_user_id", "assessments")
    op.drop_table("assessments")
    op.drop_table("dossier_items")
    op.drop_table("user_dates")
