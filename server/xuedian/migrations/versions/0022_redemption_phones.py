"""Points: the phones volunteers marked as their learning point's redemption phone

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import xuedian.core.dbtypes

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

UTC = xuedian.core.dbtypes.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "points_redemption_phone",
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("marked_by", sa.String(length=64), nullable=False),
        sa.Column("marked_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"]),
        sa.ForeignKeyConstraint(["point_id"], ["learning_point.id"]),
        sa.PrimaryKeyConstraint("device_id"),
    )
    with op.batch_alter_table("points_redemption_phone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_points_redemption_phone_point_id"), ["point_id"])


def downgrade():
    with op.batch_alter_table("points_redemption_phone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_points_redemption_phone_point_id"))
    op.drop_table("points_redemption_phone")
