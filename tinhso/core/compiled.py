"""A hot query compiled to SQL once per process, not on every request.

Building a query's SQL is the ORM's costliest step on the write path: the dossier a
write locks, with the five rows it needs beside it, takes the ORM about 1.5 ms to
compile and PostgreSQL 0.1 ms to run. `Compiled` compiles a queryset once per
process (on the database its queryset reads), with marker values in place of its
parameters, and from then on runs that SQL with the real values, turning the rows
into model instances (their `select_related` rows included) the way the ORM's own
iterator does.

Each marker must reach the SQL as it was given, once: a queryset that changes a value
(`code.upper()`) or uses it twice is run by the ORM every time, as a plain queryset
would be. Its other parameters are constants of the query (`is_active=True`), kept as
compiled: they must not depend on the values. The markers are of the types the
database takes as they are (a string, an integer): each value is made one of its
marker's type, as the field's own preparation would make it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections, router
from django.db.models import Model, QuerySet, sql
from django.db.models.query import get_related_populators
from django.db.transaction import TransactionManagementError

log = logging.getLogger(__name__)

M = TypeVar("M", bound=Model)

ALL: list[Compiled] = []  # every compiled query made (for the test that each compiles)


class Compiled(Generic[M]):
    """`build(*markers)` → the queryset; `markers`: one value per parameter, of the
    parameter's type and equal to nothing else in the query (so that its place in the
    SQL is known)."""

    def __init__(self, build: Callable[..., QuerySet[M]], markers: Sequence[Any]):
        self.build = build
        self.markers = tuple(markers)
        self._compiled: tuple | None = None
        self._lock = threading.Lock()
        ALL.append(self)

    def _compile(self):
        """(alias, compiler, sql, params, where each marker goes, how rows become
        instances), or (alias, None, …) when a marker does not reach the SQL once as it
        was (then the ORM runs it)."""
        with self._lock:
            if self._compiled is None:
                qs = self.build(*self.markers)
                compiler = qs.query.get_compiler(using=qs.db)
                try:
                    sql, params = compiler.as_sql()
                except (EmptyResultSet, FullResultSet):  # a marker out of the field's range
                    sql, params = "", ()
                # (A parameter may come wrapped for the driver, as psycopg's Int4 for a
                # small integer column: it equals its marker, and a value takes its type.)
                places = [
                    [i for i, p in enumerate(params) if isinstance(p, type(m)) and p == m]
                    for m in self.markers
                ]
                if any(len(found) != 1 for found in places):
                    log.warning("not compiled once (a value does not reach it as given): %s", sql)
                    compiler = None
                shape = _Shape(compiler, qs.db) if compiler is not None else None
                self._compiled = (
                    qs.db, compiler, sql, tuple(params), [f[:1] for f in places], shape
                )  # fmt: skip
            return self._compiled

    def all(self, *values: Any) -> list[M]:
        values = tuple(type(m)(v) for m, v in zip(self.markers, values, strict=True))
        alias, compiler, sql, params, places, shape = self._compile()
        if compiler is None:
            return list(self.build(*values))
        connection = connections[alias]
        if compiler.query.select_for_update and connection.get_autocommit():
            # (the ORM's own guard, which runs when it builds the statement)
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(params)
        for (place,), value in zip(places, values, strict=True):
            params[place] = type(params[place])(value)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return shape.instances(rows, connection)

    @property
    def compiles(self) -> bool:
        """Whether it runs as compiled (else the ORM builds it each time)."""
        return self._compile()[1] is not None

    def first(self, *values: Any) -> M | None:
        found = self.all(*values)
        return found[0] if found else None


class _Shape:
    """How the rows become instances, as the ORM's ModelIterable makes them (the
    model's own fields, then each `select_related` row set on it, each column through
    its converters), worked out once per compiled query rather than on every run."""

    def __init__(self, compiler, alias: str):
        select, klass_info = compiler.select, compiler.klass_info
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start : self.end]]
        self.alias = alias
        self.populators = get_related_populators(klass_info, select, alias)  # type: ignore[call-arg]
        columns = [s[0] for s in select[0 : compiler.col_count]]
        self.compiler = compiler if compiler.has_composite_fields(columns) else None
        self.converters = [
            (place, converters, column)
            for place, (converters, column) in compiler.get_converters(columns).items()
        ]

    def instances(self, rows: list, connection) -> list:
        if self.compiler is not None:  # composite columns: the ORM's own way
            rows = list(self.compiler.results_iter(results=[rows]))
        elif self.converters:
            rows = [list(row) for row in rows]
            for row in rows:
                for place, converters, column in self.converters:
                    value = row[place]
                    for convert in converters:
                        value = convert(value, column, connection)
                    row[place] = value
        made = []
        start, end, init_list, alias = self.start, self.end, self.init_list, self.alias
        for row in rows:
            obj = self.model.from_db(alias, init_list, row[start:end])
            for populator in self.populators:
                populator.populate(row, obj)
            made.append(obj)
        return made


_INSERTS: dict[tuple[type[Model], str], tuple[str, list] | None] = {}
_INSERTS_LOCK = threading.Lock()


def insert(obj: M) -> M:
    """`obj` stored as a new row, as `Model.objects.create` stores it (each field's
    `pre_save`, so `auto_now_add` is filled; its id read back), by an INSERT built once
    per model and process. Sends no `pre_save`/`post_save` signal: for the platform's
    own rows, which nothing listens to that way."""
    model, alias = type(obj), router.db_for_write(type(obj), instance=obj)
    key = (model, alias)
    if key not in _INSERTS:
        with _INSERTS_LOCK:
            _INSERTS.setdefault(key, _insert_statement(obj, alias))
    built = _INSERTS[key]
    if built is None or obj.pk is not None:
        obj.save(force_insert=True, using=alias)
        return obj
    sql, fields = built
    connection = connections[alias]
    obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]  # as save() does
    values = [f.pre_save(obj, True) for f in fields]
    if any(hasattr(v, "resolve_expression") for v in values):  # an expression, a db default
        obj.save(force_insert=True, using=alias)
        return obj
    params = [
        f.get_db_prep_save(v, connection=connection) for f, v in zip(fields, values, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (obj.pk,) = cursor.fetchone()
    obj._state.adding, obj._state.db = False, alias
    return obj


def _insert_statement(obj: Model, alias: str) -> tuple[str, list] | None:
    """(the INSERT … RETURNING id, its fields in order), built by the ORM, or None when
    the ORM would not build it that way (a value it inlines, no RETURNING)."""
    meta = obj._meta
    connection = connections[alias]
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
    if meta.auto_field is None or not connection.features.can_return_columns_from_insert:
        return None
    query = sql.InsertQuery(obj.__class__)
    query.insert_values(fields, [obj])
    compiler = query.get_compiler(using=alias)
    compiler.returning_fields = [meta.pk]
    statements = compiler.as_sql()
    if len(statements) != 1 or len(statements[0][1]) != len(fields):
        return None
    return statements[0][0], fields


_UPDATES: dict[tuple, tuple[str, list]] = {}


def update(obj: Model, fields: tuple[str, ...] | None = None) -> None:
    """The `fields` of `obj`'s existing row written (all of them by default), as
    `obj.save(update_fields=…)` writes them (each field's `pre_save`, so `auto_now`
    moves when it is written), by an UPDATE built once per model, fields and process;
    its row must exist. Sends no `pre_save`/`post_save` signal."""
    model, alias = type(obj), router.db_for_write(type(obj), instance=obj)
    key = (model, alias, fields)
    if key not in _UPDATES:
        meta = model._meta
        quote = connections[alias].ops.quote_name
        written = [
            f
            for f in meta.local_concrete_fields
            if not f.primary_key
            and not f.generated
            and (fields is None or f.name in fields or f.attname in fields)
        ]
        if fields is not None and len(written) != len(fields):
            raise ValueError(f"not fields of {meta.label}: {fields}")
        sets = ", ".join(f"{quote(str(f.column))} = %s" for f in written)
        _UPDATES[key] = (
            f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(str(meta.pk.column))} = %s",  # noqa: S608  # nosec B608: the model's own names
            written,
        )
    sql, written = _UPDATES[key]
    connection = connections[alias]
    values = [f.pre_save(obj, False) for f in written]
    if any(hasattr(v, "resolve_expression") for v in values):  # an expression: the ORM's
        obj.save(update_fields=[f.name for f in written], using=alias)
        return
    params = [
        f.get_db_prep_save(v, connection=connection) for f, v in zip(written, values, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, obj.pk])
        if cursor.rowcount != 1:
            raise model.DoesNotExist(f"{model._meta.label} {obj.pk} is gone")  # type: ignore[attr-defined]
