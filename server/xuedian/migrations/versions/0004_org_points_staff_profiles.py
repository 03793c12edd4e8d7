"""org: areas, learning points, staff; devices enrolled at a point; learner profiles;
who carried a bundle

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 01:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

import xuedian.core.dbtypes

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UTC = xuedian.core.dbtypes.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "area",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=120), server_default="", nullable=False),
        sa.Column("path", sa.String(length=255), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["area.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_area_path"), ["path"], unique=False)

    op.create_table(
        "learning_point",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=120), server_default="", nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("learning_point", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learning_point_area_id"), ["area_id"], unique=False)

    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("point_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("last_login_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"]),
        sa.ForeignKeyConstraint(["point_id"], ["learning_point.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_point_id"), ["point_id"], unique=False)

    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.add_column(sa.Column("learning_point_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_device_learning_point_id"), ["learning_point_id"], unique=False
        )
        batch_op.create_foreign_key(
            "fk_device_learning_point_id", "learning_point", ["learning_point_id"], ["id"]
        )

    with op.batch_alter_table("sync_bundle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("carried_by", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_sync_bundle_carried_by"), ["carried_by"], unique=False)
        batch_op.create_foreign_key("fk_sync_bundle_carried_by", "staff", ["carried_by"], ["id"])

    op.create_table(
        "learner_profile",
        sa.Column("learner", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("age_band", sa.String(length=10), nullable=True),
        sa.Column("village", sa.String(length=60), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"]),
        sa.PrimaryKeyConstraint("learner"),
    )
    with op.batch_alter_table("learner_profile", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learner_profile_device_id"), ["device_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("learner_profile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learner_profile_device_id"))
    op.drop_table("learner_profile")
    with op.batch_alter_table("sync_bundle", schema=None) as batch_op:
        batch_op.drop_constraint("fk_sync_bundle_carried_by", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_sync_bundle_carried_by"))
        batch_op.drop_column("carried_by")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_constraint("fk_device_learning_point_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_device_learning_point_id"))
        batch_op.drop_column("learning_point_id")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_point_id"))
        batch_op.drop_index(batch_op.f("ix_staff_area_id"))
    op.drop_table("staff")
    with op.batch_alter_table("learning_point", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_point_area_id"))
    op.drop_table("learning_point")
    with op.batch_alter_table("area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_path"))
        batch_op.drop_index(batch_op.f("ix_area_parent_id"))
    op.drop_table("area")
