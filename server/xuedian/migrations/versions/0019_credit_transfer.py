"""Credit transfer: credentials of other counties accepted into learning accounts

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 11:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import xuedian.core.dbtypes

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

UTC = xuedian.core.dbtypes.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "credit_transfer",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("issuer_did", sa.String(length=120), nullable=False),
        sa.Column("county", sa.String(length=120), nullable=False),
        sa.Column("credential_ref", sa.String(length=300), nullable=False),
        sa.Column("achievement", sa.String(length=300), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("credit_hours", sa.Float(), nullable=False),
        sa.Column("credits", sa.Float(), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=True),
        sa.Column("ratio", sa.Float(), nullable=False),
        sa.Column("status_checked", sa.String(length=10), nullable=False),
        sa.Column("credential", sa.JSON(), nullable=False),
        sa.Column("accepted_by", sa.String(length=80), nullable=False),
        sa.Column("accepted_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["credit_account.id"]),
        sa.ForeignKeyConstraint(["point_id"], ["learning_point.id"]),
        sa.ForeignKeyConstraint(["definition_id"], ["credit_definition.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("issuer_did", "credential_ref"),
    )
    op.create_index("ix_credit_transfer_account_id", "credit_transfer", ["account_id"])
    op.create_index("ix_credit_transfer_point_id", "credit_transfer", ["point_id"])


def downgrade():
    op.drop_index("ix_credit_transfer_point_id", table_name="credit_transfer")
    op.drop_index("ix_credit_transfer_account_id", table_name="credit_transfer")
    op.drop_table("credit_transfer")
