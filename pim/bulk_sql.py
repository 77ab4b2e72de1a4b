"""Many rows written with one ``executemany``, for the hottest bulk writes.

A first publish of 100 000 products writes 1.5 million snapshots and as
many completeness rows; a sheet import updates every product row it
changes. ``bulk_create`` compiles every value through its
field and builds one statement per batch (``bulk_update`` a CASE
expression per field and row), which costs more than the
database spends storing the rows; here each value goes through the one
backend adapter its field would use (JSON with the field's encoder,
date-times; plain ids, numbers and text as they are) and one prepared
statement runs for all rows. Nothing is read
back: callers that need the ids query for them.
"""

from functools import partial

from django.db import connection
from django.db.models.constants import OnConflict

# Values the database drivers take as they are (ids, numbers, text, flags).
PLAIN = {"AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "IntegerField",
         "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField", "TextField"}


def _adapter(field):
    """The one function a value of ``field`` needs before it is sent, or None."""
    if field.is_relation:
        return _adapter(field.target_field)  # a foreign key's value is the target's key
    kind = field.get_internal_type()
    if kind in PLAIN:
        return None
    if kind == "JSONField":
        return partial(connection.ops.adapt_json_value, encoder=field.encoder)
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    return partial(field.get_db_prep_save, connection=connection)


def _adapted(fields, rows):
    """``rows`` with each value as the driver should get it."""
    adapters = [_adapter(field) for field in fields]
    if not any(adapters):
        return rows
    return [tuple(value if a is None else a(value) for a, value in zip(adapters, row)) for row in rows]


def insert_rows(model, field_names, rows, *, unique=(), update=()):
    """INSERT ``rows`` (tuples of Python values in ``field_names`` order)
    into ``model``'s table. With ``unique`` and ``update`` (field names), a
    row that collides on ``unique`` updates the ``update`` fields instead
    (upsert; SQLite and PostgreSQL). Returns the number of rows sent."""
    if not rows:
        return 0
    ops = connection.ops
    fields = [model._meta.get_field(name) for name in field_names]
    columns = ", ".join(ops.quote_name(field.column) for field in fields)
    sql = (f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    if update:
        sql += " " + ops.on_conflict_suffix_sql(
            fields, OnConflict.UPDATE,
            [model._meta.get_field(name).column for name in update],
            [model._meta.get_field(name).column for name in unique],
        )
    values = _adapted(fields, rows)
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
    return len(values)


def update_rows(objects, field_names):
    """UPDATE ``field_names`` of each model instance in ``objects`` (one
    model) by primary key, as ``bulk_update`` does (no signals, no
    ``auto_now``); returns the number of rows sent."""
    if not objects:
        return 0
    model = type(objects[0])
    ops = connection.ops
    fields = [model._meta.get_field(name) for name in field_names]
    assignments = ", ".join(f"{ops.quote_name(field.column)} = %s" for field in fields)
    sql = (f"UPDATE {ops.quote_name(model._meta.db_table)} SET {assignments} "
           f"WHERE {ops.quote_name(model._meta.pk.column)} = %s")
    rows = [(*(getattr(instance, field.attname) for field in fields), instance.pk) for instance in objects]
    values = _adapted([*fields, model._meta.pk], rows)
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
    return len(values)
