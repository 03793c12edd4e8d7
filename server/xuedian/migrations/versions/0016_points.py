"""Points: the append-only ledger, earn rules, the services catalogue, voucher presentations
and problems

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 08:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import xuedian.core.dbtypes

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

UTC = xuedian.core.dbtypes.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "points_entry",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("learner", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("ref", sa.String(length=140), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("created", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("points_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_points_entry_learner"), ["learner"])
        batch_op.create_index(batch_op.f("ix_points_entry_created"), ["created"])
    op.create_table(
        "points_rule",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("kind"),
    )
    op.create_table(
        "points_service",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["point_id"], ["learning_point.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("points_service", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_points_service_point_id"), ["point_id"])
    op.create_table(
        "points_voucher_presented",
        sa.Column("voucher_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("received_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("voucher_id", "device_id"),
    )
    op.create_table(
        "points_voucher_problem",
        sa.Column("voucher_id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("learner", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("first_device_id", sa.String(length=36), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("time", UTC, nullable=False),
        sa.Column("received_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("voucher_id", "code"),
    )
    with op.batch_alter_table("points_voucher_problem", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_points_voucher_problem_learner"), ["learner"])
        batch_op.create_index(batch_op.f("ix_points_voucher_problem_received_at"), ["received_at"])


def downgrade():
    with op.batch_alter_table("points_voucher_problem", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_points_voucher_problem_received_at"))
        batch_op.drop_index(batch_op.f("ix_points_voucher_problem_learner"))
    op.drop_table("points_voucher_problem")
    op.drop_table("points_voucher_presented")
    with op.batch_alter_table("points_service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_points_service_point_id"))
    op.drop_table("points_service")
    op.drop_table("points_rule")
    with op.batch_alter_table("points_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_points_entry_created"))
        batch_op.drop_index(batch_op.f("ix_points_entry_learner"))
    op.drop_table("points_entry")
