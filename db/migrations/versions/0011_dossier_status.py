"""The dossier's way to the certificate: a status per product dossier and its history.

Revision ID: 0011_dossier_status
Revises: 0010_dossier_forms
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision = "0011_dossier_status"
down_revision = "0010_dossier_forms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossiers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("product", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("round_number", sa.Integer(), nullable=True),
        sa.Column("round_year", sa.Integer(), nullable=True),
        sa.Column("stars", sa.Integer(), nullable=True),
        sa.Column("decision_number", sa.String(64), nullable=True),
        sa.Column("certificate_date", sa.Date(), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("previous_id", sa.Integer(), sa.ForeignKey("dossiers.id", ondelete="SET NULL"), nullable=True),
        sa.Column("certified_stars", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_dossiers_user_id", "dossiers", ["user_id"])
    op.create_index("ix_dossiers_status_updated", "dossiers", ["status", "updated_at"])
    op.create_table(
        "dossier_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("dossier_id", sa.Integer(), sa.ForeignKey("dossiers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("officer_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("from_status", sa.String(16), nullable=False),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("correction", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_dossier_events_dossier_id", "dossier_events", ["dossier_id"])


def downgrade() -> None:
    op.drop_table("dossier_events")
    op.drop_table("dossiers")
