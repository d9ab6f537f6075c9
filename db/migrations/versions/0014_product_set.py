"""The producer's product set (bộ sản phẩm) kept on the profile: chosen once, used by eligibility, the dossier
checklist and the self-assessment.

Revision ID: 0014_product_set
Revises: 0013_reply_outbox
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_product_set"
down_revision = "0013_reply_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(sa.Column("product_set", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("product_set")
