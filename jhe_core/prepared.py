"""Hot queries compiled to SQL once per database and then run with new values.

Building SQL is peewee's dearest step (0.1–0.3 ms a query, more than SQLite or PostgreSQL take
to answer an indexed look-up), and the queries every request runs — who holds this token, read
this Observation — have the same shape each time. ``Prepared`` builds the peewee query once
with placeholders, keeps its SQL text, and substitutes the values on each call.
"""

import weakref

import peewee

from jhe_core.db import database, rows_planned_now


class Prepared:
    """``Prepared(build)``: ``build(*placeholders)`` returns a peewee query; ``rows(*values)``
    runs it with the values in place of the placeholders and returns the raw rows."""

    def __init__(self, build, *, plan_each_time: bool = False):
        self.build = build
        self.plan_each_time = plan_each_time
        # database -> (sql, params, {param index: value index}); weak, so a closed test
        # database does not stay alive through the plans compiled for it
        self._compiled = weakref.WeakKeyDictionary()

    def _compile(self, db, arity):
        markers = [object() for _ in range(arity)]
        query = self.build(*(peewee.Value(marker, converter=False) for marker in markers))
        sql, params = db.get_sql_context().sql(query).query()
        slots = {i: next(k for k, marker in enumerate(markers) if marker is param)
                 for i, param in enumerate(params) if any(marker is param for marker in markers)}
        compiled = self._compiled[db] = (sql, params, slots)
        return compiled

    def rows(self, *values) -> list[tuple]:
        db = database.obj
        sql, params, slots = self._compiled.get(db) or self._compile(db, len(values))
        bound = list(params)
        for index, value_index in slots.items():
            bound[index] = values[value_index]
        if self.plan_each_time:  # searches: planned with their values, every time
            return rows_planned_now(db, sql, bound)
        return db.execute_sql(sql, bound).fetchall()

    def first(self, *values):
        found = self.rows(*values)
        return found[0] if found else None


def as_instance(model, fields, values):
    """A model instance from raw column values (each converted as its field would)."""
    return model(**{field.name: field.python_value(value) for field, value in zip(fields, values)})
