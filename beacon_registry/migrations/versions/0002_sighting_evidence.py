"""Sightings as evidence: daily aggregates after the retention period, shared rate counters.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sighting_days",
        sa.Column("beacon_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("rssi_min", sa.Integer(), nullable=False),
        sa.Column("rssi_max", sa.Integer(), nullable=False),
        sa.Column("battery_min_mv", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["beacon_id"], ["beacons.id"]),
        sa.PrimaryKeyConstraint("beacon_id", "day"),
    )
    op.create_table(
        "rate_counters",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("window", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window"),
    )
    with op.batch_alter_table("sightings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sightings_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sightings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sightings_at"))
    op.drop_table("rate_counters")
    op.drop_table("sighting_days")
