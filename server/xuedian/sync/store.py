"""Writing a batch's new learning records in one statement, "on conflict do nothing", and
learning which of them were new.

On PostgreSQL the rows travel as one array per column and the statement unnests them, so
its text is the same for every batch: a multi-row VALUES list would carry one parameter per
cell (about 10,000 for 500 records), which the driver rewrites and the server parses anew
for every batch, and that cost more than the rest of ingest together. SQLite keeps the
multi-row insert, which its driver binds cheaply.
"""

from __future__ import annotations

from sqlalchemy import JSON, String, cast, func, select

from ..core.dbtypes import dialect_insert
from ..extensions import db
from .models import LearningRecord


def insert_new(rows: list[dict]) -> set[str]:
    """Insert ``rows`` (learning_record column dicts, all with the same keys) that are not
    stored yet; return the ids inserted. Runs in the caller's transaction."""
    if not rows:
        return set()
    if db.session.get_bind().dialect.name == "postgresql":
        statement = _unnest_insert(rows)
        return set(db.session.execute(statement).scalars())
    insert = dialect_insert(LearningRecord, "sqlite")
    insert = insert.on_conflict_do_nothing(index_elements=["id"])
    return set(db.session.execute(insert.returning(LearningRecord.id), rows).scalars())


def _unnest_insert(rows: list[dict]):
    from sqlalchemy.dialects import postgresql  # loaded already: the database speaks it

    table = LearningRecord.__table__
    dialect = db.session.get_bind().dialect
    names = list(rows[0])
    arrays = []
    for name in names:
        column_type = table.c[name].type
        values = [row[name] for row in rows]
        if isinstance(column_type, JSON):
            # Serialised as the JSON type itself would (None is JSON null), cast back below.
            process = column_type.dialect_impl(dialect).bind_processor(dialect)
            values = [process(v) for v in values]
            column_type = String()
        arrays.append(cast(values, postgresql.ARRAY(column_type)))
    source = func.unnest(*arrays).table_valued(*names).render_derived(name="batch")
    columns = [
        cast(source.c[n], table.c[n].type) if isinstance(table.c[n].type, JSON) else source.c[n]
        for n in names
    ]
    return (
        postgresql.insert(LearningRecord)
        .from_select(names, select(*columns))
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(LearningRecord.id)
    )
