"""xAPI LRS: clients, statements, their lookup keys, documents

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 04:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

import xuedian.core.dbtypes

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

UTC = xuedian.core.dbtypes.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "lrs_client",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("revoked_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "lrs_statement",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("statement_id", sa.String(length=36), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("verb_id", sa.String(length=512), nullable=False),
        sa.Column("registration", sa.String(length=36), nullable=True),
        sa.Column("activity_id", sa.String(length=1024), nullable=True),
        sa.Column("stored", UTC, nullable=False),
        sa.Column("voided", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("voids", sa.String(length=36), nullable=True),
        sa.Column("target", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("statement_id"),
    )
    with op.batch_alter_table("lrs_statement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lrs_statement_verb_id"), ["verb_id"])
        batch_op.create_index(batch_op.f("ix_lrs_statement_registration"), ["registration"])
        batch_op.create_index(batch_op.f("ix_lrs_statement_stored"), ["stored"])
        batch_op.create_index(batch_op.f("ix_lrs_statement_voids"), ["voids"])
        batch_op.create_index(batch_op.f("ix_lrs_statement_target"), ["target"])
    op.create_table(
        "lrs_statement_key",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lrs_statement_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lrs_statement_key_seq"), ["seq"])
        batch_op.create_index("ix_lrs_statement_key_lookup", ["kind", "value", "seq"])
    op.create_table(
        "lrs_document",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("doc_id", sa.String(length=512), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("etag", sa.String(length=64), nullable=False),
        sa.Column("updated", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lrs_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lrs_document_scope"), ["scope"])


def downgrade():
    op.drop_table("lrs_document")
    op.drop_table("lrs_statement_key")
    op.drop_table("lrs_statement")
    op.drop_table("lrs_client")
