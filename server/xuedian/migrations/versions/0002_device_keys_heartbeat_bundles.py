"""device keys, heartbeat, sync bundles

Devices authenticate with their own Ed25519 key instead of a bearer token: the token hash
goes, the public key comes. Devices registered under the token scheme keep their rows (their
records point at them) with a NULL key; they can send nothing more and register again under
a key-derived id.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import xuedian.core.dbtypes

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("last_status", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "last_status_at", xuedian.core.dbtypes.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.drop_column("token_hash")

    op.create_table(
        "sync_bundle",
        sa.Column("bundle_id", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("made_at", xuedian.core.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", xuedian.core.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("imported_at", xuedian.core.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("batches", sa.Integer(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("duplicate", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("receipts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"]),
        sa.PrimaryKeyConstraint("bundle_id"),
    )
    with op.batch_alter_table("sync_bundle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_bundle_device_id"), ["device_id"], unique=False)


def downgrade():
    with op.batch_alter_table("sync_bundle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_bundle_device_id"))
    op.drop_table("sync_bundle")
    with op.batch_alter_table("device", schema=None) as batch_op:
        # Token devices cannot be restored: every device must register again after a downgrade.
        batch_op.add_column(
            sa.Column("token_hash", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.drop_column("last_status_at")
        batch_op.drop_column("last_status")
        batch_op.drop_column("public_key")
