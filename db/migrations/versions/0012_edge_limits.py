"""Edges (issue 15): outbox rows know whom a direct message is about (deleted with that person's data);
processed update keys are stored hashed (a Zalo key can hold the user's id).

Revision ID: 0012_edge_limits
Revises: 0011_dossier_status
Create Date: 2026-12-02
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0012_edge_limits"
down_revision = "0011_dossier_status"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("about_user_id", sa.Integer(), nullable=True))
    op.create_index("ix_outbox_about_user_id", "outbox", ["about_user_id"])
    # Existing keys, hashed as db.repositories.processed_key does (a 64-character hex SHA-256 is left alone).
    connection = op.get_bind()
    table = sa.table("processed_updates", sa.column("key", sa.String))
    keys = [row[0] for row in connection.execute(sa.select(table.c.key))]
    for key in keys:
        if len(key) == 64 and all(c in "0123456789abcdef" for c in key):
            continue
        hashed = hashlib.sha256(key.encode()).hexdigest()
        connection.execute(table.update().where(table.c.key == key).values(key=hashed))


def downgrade() -> None:
    # Hashed keys cannot be turned back; they stay hashed (a redelivery of an old update is then handled again).
    op.drop_index("ix_outbox_about_user_id", "outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("about_user_id")
