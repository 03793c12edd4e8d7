"""Credentials: issued credentials, Bitstring Status Lists, issuing tokens

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 07:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import xuedian.core.dbtypes

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

UTC = xuedian.core.dbtypes.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "credential_issued",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ref", sa.String(length=300), nullable=False),
        sa.Column("issuer_did", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=80), nullable=False),
        sa.Column("status_list", sa.Integer(), nullable=True),
        sa.Column("status_index", sa.Integer(), nullable=True),
        sa.Column("issued_at", UTC, nullable=False),
        sa.Column("revoked_at", UTC, nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("status_list", "status_index"),
    )
    with op.batch_alter_table("credential_issued", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credential_issued_issuer_did"), ["issuer_did"])
        batch_op.create_index(batch_op.f("ix_credential_issued_ref"), ["ref"])
    op.create_table(
        "credential_status_list",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("issuer_did", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("credential", sa.JSON(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("credential_status_list", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credential_status_list_issuer_did"), ["issuer_did"])
    op.create_table(
        "credential_token",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("revoked_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("token_sha256"),
    )


def downgrade():
    op.drop_table("credential_token")
    with op.batch_alter_table("credential_status_list", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credential_status_list_issuer_did"))
    op.drop_table("credential_status_list")
    with op.batch_alter_table("credential_issued", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credential_issued_ref"))
        batch_op.drop_index(batch_op.f("ix_credential_issued_issuer_did"))
    op.drop_table("credential_issued")
