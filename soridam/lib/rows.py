"""Row lookups and inserts whose SQL is built once per process, for the hot path of message intake.

On that path building an ORM query costs more than running it: 0.6 to 1.5 ms of Python to compile a
one-row SELECT against 0.2 ms to send it and read the row, and 0.4 ms for an ORM insert against 0.2 ms.
Every channel message pays that a dozen times (bench/email_ingest.py). A ``Lookup`` writes its SELECT
once from the model's fields and returns ordinary model instances, with the database's converters
applied as the ORM would; ``insert`` does what ``save()`` does for a new row. Both run on Django's
connection, inside the caller's transaction. Everything off the hot path uses the ORM.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from django.db import DatabaseError, connection
from django.db.models import Field, ForeignKey, Model, signals

M = TypeVar("M", bound=Model)
T = TypeVar("T")
_Converter = Callable[[Any, Any, Any], Any]
_BUILT: dict[tuple[Any, ...], Any] = {}


def _once(key: tuple[Any, ...], build: Callable[[], T]) -> T:
    """What ``build`` makes for ``key`` on this process's database (SQL and the fields it binds), made once."""
    full = (*key, connection.vendor)
    if full not in _BUILT:
        _BUILT[full] = build()
    result: T = _BUILT[full]
    return result


class Lookup(Generic[M]):
    """``Model.objects.filter(...).first()`` for a fixed WHERE clause written with the model's own column
    names and ``%s`` placeholders, e.g. ``Lookup(Case, "id = %s", lock=True)``. ``lock`` adds FOR UPDATE
    where the database has it (SQLite locks the whole database for writing instead).

    ``through=(Other, "fk")`` finds the row that Other's foreign key points at, in the same one query: the
    WHERE (and ORDER BY) then name Other's columns, e.g. ``Lookup(Case, "external_id = %s",
    through=(ChannelMessage, "case"))``. Either way a clause names only the columns of the model it filters
    (checked when the SQL is built): table names come from the models, so no app writes another's SQL.
    """

    def __init__(
        self,
        model: type[M],
        where: str,
        *,
        order_by: str = "",
        lock: bool = False,
        through: tuple[type[Model], str] | None = None,
    ) -> None:
        self.model = model
        self.where = where
        self.order_by = order_by
        self.lock = lock
        self.through = through
        # The statement is cached under what it is built from, not under this object: equal lookups share
        # one, and a lookup made inside a function costs a dictionary hit instead of a new cache entry.
        self._key = (model, "lookup", where, order_by, lock, through)

    def first(self, *params: Any) -> M | None:
        sql, attnames, converters = _once(self._key, self._compile)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for index, expression, functions in converters:
            for convert in functions:
                values[index] = convert(values[index], expression, connection)
        return self.model.from_db(connection.alias, attnames, values)

    def _compile(self) -> tuple[str, list[str], list[tuple[int, Any, list[_Converter]]]]:
        quote = connection.ops.quote_name
        table = self.model._meta.db_table
        fields = self.model._meta.concrete_fields
        columns = ", ".join(f"{quote(table)}.{quote(field.column)}" for field in fields)
        sql = f"SELECT {columns} FROM {quote(table)} WHERE {self._condition()} LIMIT 1"  # noqa: S608 - fixed text
        if self.lock and connection.features.has_select_for_update:
            sql += " FOR UPDATE"
        return sql, [field.attname for field in fields], _converters(table, fields)

    def _condition(self) -> str:
        """The WHERE (and ORDER BY) of the outer SELECT; with ``through``, a subquery on the other model."""
        if self.through is None:
            return _filter(self.model, self.where, self.order_by)
        other, name = self.through
        key = _foreign_key(other, name, self.model)
        quote = connection.ops.quote_name
        where = _filter(other, self.where, self.order_by)
        inner = f"SELECT {quote(key.column)} FROM {quote(other._meta.db_table)} WHERE {where} LIMIT 1"  # noqa: S608
        return f"{quote(self.model._meta.db_table)}.{quote(key.target_field.column)} = ({inner})"


# Words a WHERE or ORDER BY clause may use besides the model's columns.
_SQL_WORDS = frozenset(
    {"and", "or", "not", "is", "null", "in", "like", "between", "asc", "desc", "nulls", "first", "last"}
    | {"true", "false", "lower", "upper", "coalesce"}
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LITERAL_OR_PLACEHOLDER = re.compile(r"'[^']*'|%s")


def _filter(model: type[Model], where: str, order_by: str) -> str:
    """``where`` and ``order_by`` joined, once each names only ``model``'s own columns."""
    columns = {field.column for field in model._meta.concrete_fields}
    words = set(_WORD.findall(_LITERAL_OR_PLACEHOLDER.sub(" ", f"{where} {order_by}")))
    foreign = sorted(word for word in words if word.lower() not in _SQL_WORDS and word not in columns)
    if foreign:
        raise ValueError(
            f"A lookup on {model.__name__} may name only its own columns, not {', '.join(foreign)}: "
            f"reach another table through one of its foreign keys (through=...)"
        )
    return f"{where} ORDER BY {order_by}" if order_by else where


def _foreign_key(other: type[Model], name: str, model: type[Model]) -> ForeignKey[Any, Any]:
    field = other._meta.get_field(name)
    if not isinstance(field, ForeignKey) or field.related_model is not model:
        raise TypeError(f"{other.__name__}.{name} is not a foreign key to {model.__name__}")
    return field


def _converters(table: str, fields: Sequence[Any]) -> list[tuple[int, Any, list[_Converter]]]:
    """What the ORM's compiler applies to each column (SQLite dates arrive as text, JSON as a string)."""
    found = []
    for index, field in enumerate(fields):
        expression = field.get_col(table)
        functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        if functions:
            found.append((index, expression, functions))
    return found


def insert(obj: M) -> M:
    """``obj.save()`` for a new row whose primary key the database assigns: field defaults and
    ``auto_now_add`` apply as in ``save()``. It never calls ``save()`` and sends no model signals, so it
    refuses a model that overrides ``save()`` or has save signal receivers (``SaveSkipped``)."""
    model = type(obj)
    _refuse_own_save(model, "insert")
    block = _open_block()
    if block is not None and _held(block, obj):
        return obj
    if obj.pk is not None or not connection.features.can_return_columns_from_insert:
        obj.save(force_insert=True)
        return obj
    sql, fields = _once((model, "insert"), lambda: _insert_sql(model))
    values = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return obj


def _held(block: _Together, obj: Model) -> bool:
    """Hold ``obj``'s insert in the open ``together`` block when its id is given or reserved there."""
    model = type(obj)
    if obj.pk is None:
        obj.pk = block.take_id(model)
        if obj.pk is None:
            return False
    _once((model, "insert", "held"), lambda: _refuse_save_receivers(model, "insert"))
    _held_insert(block, [obj])
    return True


class SaveSkipped(TypeError):
    """``insert`` or ``update`` was given a model whose ``save()`` or save signals do work they would skip."""


def _refuse_own_save(model: type[Model], writer: str) -> None:
    if model.save is not Model.save:
        raise SaveSkipped(f"{model.__name__} overrides save(), which {writer}() would skip: call save()")


def _refuse_save_receivers(model: type[Model], writer: str) -> None:
    """Checked once, when a statement is built: receivers are connected at start-up, before any write."""
    if signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
        raise SaveSkipped(f"{model.__name__} has save signal receivers, which {writer}() would skip")


def _insert_sql(model: type[Model]) -> tuple[str, list[Field[Any, Any]]]:
    _refuse_save_receivers(model, "insert")
    quote = connection.ops.quote_name
    pk = next(field for field in model._meta.concrete_fields if field.primary_key)
    fields = [field for field in model._meta.concrete_fields if field is not pk and not field.generated]
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = quote(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING {quote(pk.column)}"  # noqa: S608
    return sql, fields


def update(obj: Model, *names: str) -> None:
    """``obj.save(update_fields=names)``, with the UPDATE built once per model and field list. Like
    ``insert``, it refuses a model whose own ``save()`` or save signals it would skip."""
    _refuse_own_save(type(obj), "update")
    sql, fields = _once((type(obj), "update", names), lambda: _update_sql(type(obj), names))
    values = [field.get_db_prep_save(field.pre_save(obj, False), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, obj.pk])
        if cursor.rowcount != 1:
            raise DatabaseError(f"{type(obj).__name__} {obj.pk} was not updated: the row is gone")


def update_many(objs: Sequence[Model], *names: str) -> None:
    """``update(obj, *names)`` for many rows of one model in one statement: an UPDATE from the unnested
    column arrays on PostgreSQL, from a VALUES list elsewhere (SQLite), ``bulk_update``'s CASE per row and
    field cost more Python than the rest of a triage batch. The rows must exist (as ``update``)."""
    objs = list({obj.pk: obj for obj in objs}.values())
    if not objs:
        return
    model = type(objs[0])
    _refuse_own_save(model, "update_many")
    pk = _pk(model)
    fields = [_column_field(model, name) for name in names]
    if connection.vendor == "postgresql":
        sql, _fields = _once((model, "update_many", names), lambda: _update_unnest_sql(model, names))
        columns = [[pk.get_db_prep_save(obj.pk, connection) for obj in objs]]
        columns += [
            [field.get_db_prep_save(field.pre_save(obj, False), connection) for obj in objs] for field in fields
        ]
        _execute_update(model, sql, columns, len(objs))
        return
    per_statement = max(1, (connection.features.max_query_params or 999) // (len(fields) + 1))
    for start in range(0, len(objs), per_statement):
        chunk = objs[start : start + per_statement]
        values = [
            value
            for obj in chunk
            for value in [
                pk.get_db_prep_save(obj.pk, connection),
                *(field.get_db_prep_save(field.pre_save(obj, False), connection) for field in fields),
            ]
        ]
        _execute_update(model, _update_values_sql(model, fields, len(chunk)), values, len(chunk))


def _execute_update(model: type[Model], sql: str, params: list[Any], rows: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.rowcount != rows:
            raise DatabaseError(f"{model.__name__}: {rows - cursor.rowcount} of {rows} rows were not updated: gone")


def _update_unnest_sql(model: type[Model], names: tuple[str, ...]) -> tuple[str, list[Field[Any, Any]]]:
    _refuse_save_receivers(model, "update_many")
    pk, fields = _pk(model), [_column_field(model, name) for name in names]
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in [pk, *fields])
    columns = ", ".join(f"column{n}" for n in range(1, len(fields) + 2))
    return _update_from_sql(model, fields, f"unnest({arrays}) AS v({columns})"), fields


def _update_values_sql(model: type[Model], fields: list[Field[Any, Any]], rows: int) -> str:
    _once((model, "update_many", "receivers"), lambda: _refuse_save_receivers(model, "update_many"))
    row = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
    return _update_from_sql(model, fields, f"(VALUES {', '.join([row] * rows)}) AS v")


def _update_from_sql(model: type[Model], fields: list[Field[Any, Any]], source: str) -> str:
    """SET each field from the source's columns (``column1`` the primary key, as VALUES names them)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    assignments = ", ".join(f"{quote(field.column)} = v.column{n}" for n, field in enumerate(fields, 2))
    return f"UPDATE {table} SET {assignments} FROM {source} WHERE {table}.{quote(_pk(model).column)} = v.column1"  # noqa: S608


def _update_sql(model: type[Model], names: tuple[str, ...]) -> tuple[str, list[Field[Any, Any]]]:
    _refuse_save_receivers(model, "update")
    quote = connection.ops.quote_name
    fields = [_column_field(model, name) for name in names]
    pk = next(field for field in model._meta.concrete_fields if field.primary_key)
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"  # noqa: S608
    return sql, fields


def _column_field(model: type[Model], name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.concrete:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


# Inserts sent together (PostgreSQL): a new case's rows in one round trip instead of one each.


class _Together:
    """The open ``together`` block of this connection: ids reserved per model, and the inserts not yet sent."""

    def __init__(self, reserved: dict[type[Model], list[int]]) -> None:
        self.reserved = reserved
        self.pending: list[tuple[str, list[Any]]] = []

    def take_id(self, model: type[Model]) -> int | None:
        ids = self.reserved.get(model)
        return ids.pop() if ids else None

    def send_pending(self) -> None:
        """Send every insert held so far as one statement: the first ones as data-modifying WITH clauses of
        the last. One statement keeps its parameters (and the prepared plan psycopg makes of a statement it
        sees often), where several statements in one text could take none. PostgreSQL checks the foreign
        keys between them at commit (Django makes them deferrable), so their order does not matter."""
        if not self.pending:
            return
        held, self.pending = self.pending, []
        *first, (last_sql, _last_params) = held
        clauses = ", ".join(f"held_{index} AS ({sql})" for index, (sql, _params) in enumerate(first))
        sql = f"WITH {clauses} {last_sql}" if first else last_sql
        params = [value for _sql, values in held for value in values]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def before_any_statement(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        """Another statement on the connection sees the held rows: they go first (a read never misses them)."""
        self.send_pending()
        return execute(sql, params, many, context)


def _open_block() -> _Together | None:
    block: _Together | None = getattr(connection, "_soridam_together", None)
    return block


def holding() -> bool:
    """Whether a ``together`` block is open on this connection (its inserts ride along at its end)."""
    return _open_block() is not None


@contextlib.contextmanager
def together(*models: type[Model], sequence: str = "") -> Iterator[int | None]:
    """Reserve one id for each of ``models`` (and the next value of ``sequence``, yielded) in one SELECT, and
    hold the block's ``insert``/``insert_many`` rows that can use a reserved or given id, to send them in one
    round trip at the end of the block, or earlier just before any other statement runs on the connection
    (so a read inside the block sees them). An exception drops the held rows with the caller's transaction:
    use it inside ``transaction.atomic()``. Elsewhere than on PostgreSQL, and nested, it changes nothing and
    yields None (the caller takes ``sequence``'s value its own way)."""
    if connection.vendor != "postgresql" or _open_block() is not None:
        yield None
        return
    sql = _once((models, "reserve", sequence), lambda: _reserve_sql(models, sequence))
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = list(cursor.fetchone())
    number = row.pop() if sequence else None
    block = _Together({model: [value] for model, value in zip(models, row, strict=True)})
    connection._soridam_together = block  # type: ignore[attr-defined]
    try:
        with connection.execute_wrapper(block.before_any_statement):
            yield number
            block.send_pending()
    finally:
        connection._soridam_together = None  # type: ignore[attr-defined]


def _reserve_sql(models: Sequence[type[Model]], sequence: str) -> str:
    quote = connection.ops.quote_name
    values = [f"nextval(pg_get_serial_sequence('{quote(m._meta.db_table)}', '{_pk(m).column}'))" for m in models]
    if sequence:
        values.append(f"nextval('{sequence}')")
    return "SELECT " + ", ".join(values)


def _pk(model: type[Model]) -> Field[Any, Any]:
    return next(field for field in model._meta.concrete_fields if field.primary_key)


def _held_insert(block: _Together, objs: Sequence[Model]) -> None:
    """Hold one multi-row INSERT of ``objs`` (one model, every primary key set) as ``bulk_create`` would
    write it: defaults and ``auto_now_add`` applied, no signals."""
    model = type(objs[0])
    fields = [field for field in model._meta.concrete_fields if not field.generated]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {', '.join([row] * len(objs))}"  # noqa: S608
    values = [field.get_db_prep_save(field.pre_save(obj, True), connection) for obj in objs for field in fields]
    block.pending.append((sql, values))
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias


def insert_many(objs: Sequence[M]) -> list[M]:
    """``Model.objects.bulk_create(objs)`` for rows of one model whose primary keys are set (no signals, as
    there); held and sent with the rest inside ``together``."""
    objs = list(objs)
    if not objs:
        return objs
    block = _open_block()
    if block is None or any(obj.pk is None for obj in objs):
        return type(objs[0])._default_manager.bulk_create(objs)
    _held_insert(block, objs)
    return objs
