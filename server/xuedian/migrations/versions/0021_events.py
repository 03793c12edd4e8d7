"""Events on site: events at learning points and the attendances their check-in tokens proved

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 11:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import xuedian.core.dbtypes

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

UTC = xuedian.core.dbtypes.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("pack_id", sa.String(length=64), nullable=False),
        sa.Column("starts_at", UTC, nullable=False),
        sa.Column("ends_at", UTC, nullable=False),
        sa.Column("credit_hours", sa.Float(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["point_id"], ["learning_point.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_point_id"), ["point_id"])
    op.create_table(
        "event_attendance",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("learner", sa.String(length=36), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("checked_in_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "learner"),
        sa.UniqueConstraint("record_id"),
    )
    with op.batch_alter_table("event_attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_attendance_event_id"), ["event_id"])


def downgrade():
    op.drop_table("event_attendance")
    op.drop_table("event")
