"""changes feed: per-device change sequence on records, inbox messages

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import xuedian.core.dbtypes

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    # Records stored before this revision get change 0: a phone's first feed (no cursor)
    # covers every record of its learners anyway.
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("learning_record", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_index(
            "ix_learning_record_device_change", ["device_id", "change_seq"], unique=False
        )

    op.create_table(
        "inbox_message",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", xuedian.core.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("inbox_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inbox_message_device_id"), ["device_id"], unique=False)


def downgrade():
    with op.batch_alter_table("inbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbox_message_device_id"))
    op.drop_table("inbox_message")
    with op.batch_alter_table("learning_record", schema=None) as batch_op:
        batch_op.drop_index("ix_learning_record_device_change")
        batch_op.drop_column("change_seq")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_column("change_seq")
