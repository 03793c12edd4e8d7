"""nightly rollup: completions unverified per point and day, apart from the lessons

Rows kept before this revision did not count them; they get 0 (run the rollup again, or
``xuedian reports rebuild`` and then the rollup, to recount a past day).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 04:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("report_point_daily", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unverified", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("report_point_daily", schema=None) as batch_op:
        batch_op.drop_column("unverified")
