"""Studio: publishing institutions, authors, drafts and review comments

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 08:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import xuedian.core.dbtypes

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

UTC = xuedian.core.dbtypes.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "publisher",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=120), server_default="", nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("publisher", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publisher_area_id"), ["area_id"])
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("publisher_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_staff_publisher_id"), ["publisher_id"])
        batch_op.create_foreign_key(
            "fk_staff_publisher_id_publisher", "publisher", ["publisher_id"], ["id"]
        )
    op.create_table(
        "studio_draft",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pack_id", sa.String(length=64), nullable=False),
        sa.Column("publisher_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("published_version", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["publisher_id"], ["publisher.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pack_id"),
    )
    with op.batch_alter_table("studio_draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_studio_draft_publisher_id"), ["publisher_id"])
    op.create_table(
        "studio_comment",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.String(length=64), server_default="", nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["studio_draft.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("studio_comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_studio_comment_draft_id"), ["draft_id"])


def downgrade():
    op.drop_table("studio_comment")
    op.drop_table("studio_draft")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_constraint("fk_staff_publisher_id_publisher", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_staff_publisher_id"))
        batch_op.drop_column("publisher_id")
    op.drop_table("publisher")
