"""Learning accounts: the learner card's short number, the recovery code's index, who
verified a real name, and learners moved to a new phone

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 11:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import xuedian.core.dbtypes

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

UTC = xuedian.core.dbtypes.UTCDateTime(timezone=True)


def upgrade():
    with op.batch_alter_table("credit_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("short_number", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("verified_by", sa.String(length=80), nullable=True))
        batch_op.create_index(batch_op.f("ix_credit_account_short_number"), ["short_number"])
        batch_op.create_index(batch_op.f("ix_credit_account_recovery_hash"), ["recovery_hash"])
    # Accounts made before: their card number, computed as credits/card.py does.
    accounts = sa.table(
        "credit_account", sa.column("id"), sa.column("learner"), sa.column("short_number")
    )
    bind = op.get_bind()
    for ident, learner in bind.execute(sa.select(accounts.c.id, accounts.c.learner)).all():
        try:
            number = f"{int(learner.replace('-', '')[:12], 16) % 100_000_000:08d}"
        except ValueError:
            continue  # not a UUID: made when the account is next used
        bind.execute(accounts.update().where(accounts.c.id == ident).values(short_number=number))
    op.create_table(
        "learner_move",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("learner", sa.String(length=36), nullable=False),
        sa.Column("from_device", sa.String(length=36), nullable=True),
        sa.Column("to_device", sa.String(length=36), nullable=False),
        sa.Column("change_seq", sa.Integer(), nullable=False),
        sa.Column("moved_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["to_device"], ["device.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("learner_move", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learner_move_learner"), ["learner"])
        batch_op.create_index(batch_op.f("ix_learner_move_to_device"), ["to_device"])


def downgrade():
    with op.batch_alter_table("learner_move", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learner_move_to_device"))
        batch_op.drop_index(batch_op.f("ix_learner_move_learner"))
    op.drop_table("learner_move")
    with op.batch_alter_table("credit_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_account_recovery_hash"))
        batch_op.drop_index(batch_op.f("ix_credit_account_short_number"))
        batch_op.drop_column("verified_by")
        batch_op.drop_column("short_number")
