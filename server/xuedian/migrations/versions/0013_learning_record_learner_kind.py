"""learning_record: index (learner, kind), so the dashboard's learners table finds each
learner's quiz totals without reading their other records

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 05:00:00.000000
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("learning_record", schema=None) as batch_op:
        batch_op.create_index("ix_learning_record_learner_kind", ["learner", "kind"], unique=False)


def downgrade():
    with op.batch_alter_table("learning_record", schema=None) as batch_op:
        batch_op.drop_index("ix_learning_record_learner_kind")
