"""Credits: learning accounts, outcome definitions, outcomes, attestations, feed delivery

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 08:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import xuedian.core.dbtypes

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

UTC = xuedian.core.dbtypes.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "credit_account",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("learner", sa.String(length=36), nullable=False),
        sa.Column("subject", sa.String(length=45), nullable=False),
        sa.Column("recovery_hash", sa.String(length=64), nullable=True),
        sa.Column("real_name", sa.String(length=60), nullable=True),
        sa.Column("id_number_hash", sa.String(length=64), nullable=True),
        sa.Column("id_number_salt", sa.String(length=32), nullable=True),
        sa.Column("verified_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("learner"),
        sa.UniqueConstraint("subject"),
    )
    op.create_table(
        "credit_definition",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pack_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("rule", sa.String(length=30), nullable=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("credit_hours", sa.Float(), nullable=False),
        sa.Column("credits", sa.Float(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("crosswalk", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("credit_definition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_definition_pack_id"), ["pack_id"])
    op.create_table(
        "credit_outcome",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("credit_hours", sa.Float(), nullable=False),
        sa.Column("credits", sa.Float(), nullable=False),
        sa.Column("certified_at", UTC, nullable=False),
        sa.Column("revoked_at", UTC, nullable=True),
        sa.Column("revoke_reason", sa.String(length=200), nullable=True),
        sa.Column("credential_id", sa.String(length=60), nullable=True),
        sa.Column("compact", sa.Text(), nullable=True),
        sa.Column("credential_revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["credit_account.id"]),
        sa.ForeignKeyConstraint(["definition_id"], ["credit_definition.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("credit_outcome", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_outcome_account_id"), ["account_id"])
        batch_op.create_index(batch_op.f("ix_credit_outcome_definition_id"), ["definition_id"])
    op.create_table(
        "credit_attestation",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("decided_at", UTC, nullable=True),
        sa.Column("outcome_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["credit_account.id"]),
        sa.ForeignKeyConstraint(["definition_id"], ["credit_definition.id"]),
        sa.ForeignKeyConstraint(["point_id"], ["learning_point.id"]),
        sa.ForeignKeyConstraint(["outcome_id"], ["credit_outcome.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("credit_attestation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_attestation_account_id"), ["account_id"])
        batch_op.create_index(batch_op.f("ix_credit_attestation_point_id"), ["point_id"])
    op.create_table(
        "credit_delivery",
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("state", sa.String(length=120), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("sent_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("device_id"),
    )


def downgrade():
    for table in (
        "credit_delivery",
        "credit_attestation",
        "credit_outcome",
        "credit_definition",
        "credit_account",
    ):
        op.drop_table(table)
