"""Row lookups whose SQL is built once per process, for the hot path of message intake.

On that path building an ORM query costs more than running it: 0.6 to 1.5 ms of Python to compile a
one-row SELECT against 0.2 ms to send it and read the row. A mailbox of replies spends much of its time
there (bench/email_ingest.py). A ``Lookup`` writes its SELECT once from the model's fields and returns
ordinary model instances, with the database's converters applied as the ORM would. It still runs on
Django's connection, inside the caller's transaction. Everything off the hot path uses the ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import Model

M = TypeVar("M", bound=Model)
_Converter = Callable[[Any, Any, Any], Any]


class Lookup(Generic[M]):
    """``Model.objects.filter(...).first()`` for a fixed WHERE clause written with column names and
    ``%s`` placeholders, e.g. ``Lookup(Case, "id = %s", lock=True)``. ``lock`` adds FOR UPDATE where the
    database has it (SQLite locks the whole database for writing instead)."""

    def __init__(self, model: type[M], where: str, *, order_by: str = "", lock: bool = False) -> None:
        self.model = model
        self.where = where
        self.order_by = order_by
        self.lock = lock
        self._built: dict[str, tuple[str, list[str], list[tuple[int, Any, list[_Converter]]]]] = {}

    def first(self, *params: Any) -> M | None:
        sql, attnames, converters = self._build()
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

    def _build(self) -> tuple[str, list[str], list[tuple[int, Any, list[_Converter]]]]:
        built = self._built.get(connection.vendor)
        if built is None:
            built = self._built[connection.vendor] = self._compile()
        return built

    def _compile(self) -> tuple[str, list[str], list[tuple[int, Any, list[_Converter]]]]:
        quote = connection.ops.quote_name
        table = self.model._meta.db_table
        fields = self.model._meta.concrete_fields
        columns = ", ".join(f"{quote(table)}.{quote(field.column)}" for field in fields)
        sql = f"SELECT {columns} FROM {quote(table)} WHERE {self.where}"  # noqa: S608 - fixed text, no input
        if self.order_by:
            sql += f" ORDER BY {self.order_by}"
        sql += " LIMIT 1"
        if self.lock and connection.features.has_select_for_update:
            sql += " FOR UPDATE"
        return sql, [field.attname for field in fields], _converters(table, fields)


def _converters(table: str, fields: Sequence[Any]) -> list[tuple[int, Any, list[_Converter]]]:
    """What the ORM's compiler applies to each column (SQLite dates arrive as text, JSON as a string)."""
    found = []
    for index, field in enumerate(fields):
        expression = field.get_col(table)
        functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        if functions:
            found.append((index, expression, functions))
    return found
