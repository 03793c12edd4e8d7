"""record facts: typed columns parsed once from each learning record, voided records,
learner ids owned by the device that first sent them, unverified completions in reports

The columns of records already stored are filled by the same parser ingest uses
(xuedian/sync/facts.py). Report aggregates counted by the old rules are recounted by
``xuedian reports rebuild`` (docs/cli.md), which an upgrade runs once afterwards.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 03:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

import xuedian.core.dbtypes
from xuedian.sync import facts

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UTC = xuedian.core.dbtypes.UTCDateTime(timezone=True)
CHUNK = 5000

_FACT_COLUMNS = (
    sa.Column("verb_name", sa.String(length=20), nullable=True),
    sa.Column("kind", sa.String(length=8), nullable=True),
    sa.Column("pack", sa.String(length=64), nullable=True),
    sa.Column("lesson", sa.String(length=64), nullable=True),
    sa.Column("item", sa.String(length=64), nullable=True),
    sa.Column("seconds", sa.Integer(), server_default="0", nullable=False),
    sa.Column("score", sa.Float(), nullable=True),
    sa.Column("success", sa.Boolean(), nullable=True),
    sa.Column("engagement", sa.String(length=12), nullable=True),
    sa.Column("voids", sa.String(length=36), nullable=True),
    sa.Column("voided", sa.Boolean(), server_default="0", nullable=False),
)


def _fill(bind) -> None:
    record = sa.table(
        "learning_record",
        *(sa.column(c) for c in ("id", "verb", "learner", "voided")),
        sa.column("object", sa.JSON()),
        sa.column("result", sa.JSON()),
        *(sa.column(c) for c in facts.COLUMNS),
    )
    last = ""
    while True:
        rows = bind.execute(
            sa.select(record.c.id, record.c.verb, record.c.object, record.c.result)
            .where(record.c.id > last)
            .order_by(record.c.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            break
        for row in rows:
            values = facts.parse({"verb": row.verb, "object": row.object, "result": row.result})
            bind.execute(record.update().where(record.c.id == row.id).values(**values))
        last = rows[-1].id
    # A voiding record voids the record it names when both are the same learner's.
    voider = record.alias("voider")
    bind.execute(
        record.update()
        .where(
            sa.exists()
            .where(voider.c.voids == record.c.id, voider.c.learner == record.c.learner)
            .correlate(record)
        )
        .where(record.c.voids.is_(None))
        .values(voided=True)
    )


def _owners(bind) -> None:
    # Each learner belongs to the device of its first stored record.
    record = sa.table(
        "learning_record",
        sa.column("id"),
        sa.column("learner"),
        sa.column("device_id"),
        sa.column("received_at"),
    )
    owner = sa.table(
        "learner_owner", sa.column("learner"), sa.column("device_id"), sa.column("since")
    )
    first = (
        sa.select(
            record.c.learner,
            record.c.device_id,
            record.c.received_at,
            sa.func.row_number()
            .over(
                partition_by=record.c.learner,
                order_by=(record.c.received_at, record.c.id),
            )
            .label("n"),
        )
    ).subquery()
    bind.execute(
        owner.insert().from_select(
            ["learner", "device_id", "since"],
            sa.select(first.c.learner, first.c.device_id, first.c.received_at).where(
                first.c.n == 1
            ),
        )
    )


def upgrade():
    for column in _FACT_COLUMNS:
        op.add_column("learning_record", column)
    op.create_index("ix_learning_record_voids", "learning_record", ["voids"], unique=False)
    op.add_column(
        "report_activity_daily",
        sa.Column("unverified", sa.Integer(), server_default="0", nullable=False),
    )
    op.create_table(
        "learner_owner",
        sa.Column("learner", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("since", UTC, nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"]),
        sa.PrimaryKeyConstraint("learner"),
    )
    op.create_index("ix_learner_owner_device_id", "learner_owner", ["device_id"], unique=False)
    bind = op.get_bind()
    _fill(bind)
    _owners(bind)


def downgrade():
    op.drop_index("ix_learner_owner_device_id", table_name="learner_owner")
    op.drop_table("learner_owner")
    with op.batch_alter_table("report_activity_daily", schema=None) as batch_op:
        batch_op.drop_column("unverified")
    with op.batch_alter_table("learning_record", schema=None) as batch_op:
        batch_op.drop_index("ix_learning_record_voids")
        for column in reversed(_FACT_COLUMNS):
            batch_op.drop_column(column.name)
