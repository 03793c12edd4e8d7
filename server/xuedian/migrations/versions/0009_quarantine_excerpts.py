"""quarantine as excerpt: excerpt, hash, size, stored bytes and address of each row

Existing rows keep their reason; their whole body becomes an excerpt and is dropped.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 03:30:00.000000
"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

EXCERPT_BYTES = 512


def upgrade():
    with op.batch_alter_table("quarantined_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("excerpt", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("size", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("stored_bytes", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("address", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_quarantined_record_device_received", ["device_id", "received_at"], unique=False
        )
        batch_op.create_index(
            "ix_quarantined_record_address_received", ["address", "received_at"], unique=False
        )
    table = sa.table(
        "quarantined_record",
        sa.column("id", sa.Integer),
        sa.column("body", sa.JSON),
        sa.column("excerpt", sa.Text),
        sa.column("sha256", sa.String),
        sa.column("size", sa.Integer),
        sa.column("stored_bytes", sa.Integer),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(table.c.id, table.c.body).where(table.c.body.is_not(None)))
    for row_id, body in rows.all():
        # Old rows were stored whole; keep what a new row keeps (sync/quarantine.py).
        data = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        data = data.encode("utf-8", "backslashreplace")
        excerpt = data[:EXCERPT_BYTES].decode("utf-8", "ignore")
        connection.execute(
            table.update()
            .where(table.c.id == row_id)
            .values(
                body=sa.null(),
                excerpt=excerpt,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                stored_bytes=len(excerpt.encode("utf-8")),
            )
        )


def downgrade():
    with op.batch_alter_table("quarantined_record", schema=None) as batch_op:
        batch_op.drop_index("ix_quarantined_record_address_received")
        batch_op.drop_index("ix_quarantined_record_device_received")
        batch_op.drop_column("address")
        batch_op.drop_column("stored_bytes")
        batch_op.drop_column("size")
        batch_op.drop_column("sha256")
        batch_op.drop_column("excerpt")
