"""reports: aggregates kept at ingest (daily activity, lessons done, courses, topics), the
nightly point rollup, weekly snapshots and silence alerts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 02:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import xuedian.core.dbtypes

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UTC = xuedian.core.dbtypes.UTCDateTime(timezone=True)


def _count(name):
    return sa.Column(name, sa.Integer(), nullable=False)


def upgrade():
    op.create_table(
        "report_activity_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("learner", sa.String(length=36), nullable=False),
        _count("records"),
        _count("lessons"),
        _count("seconds"),
        _count("asked"),
        sa.PrimaryKeyConstraint("day", "device_id", "learner"),
    )
    op.create_table(
        "report_lesson_done",
        sa.Column("learner", sa.String(length=36), nullable=False),
        sa.Column("pack", sa.String(length=64), nullable=False),
        sa.Column("lesson", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("learner", "pack", "lesson"),
    )
    op.create_table(
        "report_course_learner",
        sa.Column("pack", sa.String(length=64), nullable=False),
        sa.Column("learner", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        _count("lessons"),
        sa.PrimaryKeyConstraint("pack", "learner"),
    )
    with op.batch_alter_table("report_course_learner", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_course_learner_device_id"), ["device_id"], unique=False
        )
    op.create_table(
        "report_topic_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        _count("count"),
        sa.PrimaryKeyConstraint("day", "device_id", "topic"),
    )
    op.create_table(
        "report_point_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        _count("devices"),
        _count("devices_seen"),
        _count("learners"),
        _count("lessons"),
        _count("seconds"),
        _count("records"),
        sa.PrimaryKeyConstraint("day", "point_id"),
    )
    op.create_table(
        "report_snapshot",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week", "area_id", name="uq_report_snapshot_week_area"),
    )
    op.create_table(
        "report_silent_alert",
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("last_seen_at", UTC, nullable=True),
        sa.Column("sent_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("point_id", "threshold"),
    )


def downgrade():
    op.drop_table("report_silent_alert")
    op.drop_table("report_snapshot")
    op.drop_table("report_point_daily")
    op.drop_table("report_topic_daily")
    with op.batch_alter_table("report_course_learner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_course_learner_device_id"))
    op.drop_table("report_course_learner")
    op.drop_table("report_lesson_done")
    op.drop_table("report_activity_daily")
