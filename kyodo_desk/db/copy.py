"""Copy this desk's database (SQLite) into an empty PostgreSQL database, then prove the copy.

The move from one desk to several (``kyodo-desk db copy --to postgresql+psycopg://…``):

1. the source is at this app's schema head (a SQLite file is upgraded first, like at any start);
2. the target has no tables at all — anything there is refused, naming it;
3. in ONE transaction on the target: the schema is built by the shipped migrations, the rows the
   migrations seed are removed, every row of every table is copied in foreign-key order with its
   id (PostgreSQL ``COPY``, streamed in batches), and every sequence is moved past the largest id.
   A failure rolls all of it back, so the target is empty again, never half copied;
4. each table's row count and a SHA-256 over its rows (ordered by primary key, values written in
   one form on both databases) are compared.

The search index needs nothing of its own: on PostgreSQL it is the trigram and kyodo_grams GIN
indexes over ``search_document.text``, which PostgreSQL fills as the rows arrive; the SQLite FTS5
tables (``search_fts*``, ``search_grams*``) are SQLite's copy of the same text and are not copied.
The audit log and ``alembic_version`` are ordinary tables and are copied and checked like the rest.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import MetaData, String, Table, func, inspect, select, text
from sqlalchemy.engine import Connection

from kyodo_desk.db.engine import Database
from kyodo_desk.i18n import _

__all__ = ["CopyError", "CopyResult", "TableCheck", "TargetNotEmpty", "copy_database", "verify_copy"]

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]
BATCH_ROWS = 5_000
SQLITE_ONLY_PREFIXES = ("search_fts", "search_grams", "sqlite_")  # FTS5 index and its shadow tables


class CopyError(RuntimeError):
    """The copy cannot be made (the message says why, in Japanese)."""


class TargetNotEmpty(CopyError):
    def __init__(self, found: list[tuple[str, int | None]]):
        self.found = found
        shown = ", ".join(
            name if n is None else _("{table}({n:,}行)").format(table=name, n=n) for name, n in found[:12]
        )
        more = len(found) - 12
        if more > 0:
            shown += _(" ほか{n}表").format(n=more)
        super().__init__(
            _(
                "コピー先のデータベースは空ではありません: {tables}\n"
                "db copy は空のデータベースにだけコピーします(中身を上書きしないため)。"
                "サーバーで新しい空のデータベースを作り(CREATE DATABASE … OWNER 所有者ロール)、それを指定してください。"
            ).format(tables=shown)
        )


@dataclass(frozen=True)
class TableCheck:
    table: str
    source_rows: int
    target_rows: int
    source_sha256: str
    target_sha256: str

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.source_sha256 == self.target_sha256


@dataclass(frozen=True)
class CopyResult:
    revision: str
    rows: int
    copy_seconds: float
    verify_seconds: float
    checks: tuple[TableCheck, ...]
    phases: tuple[tuple[str, float], ...] = ()  # (what, seconds): schema, rows, indexes and keys

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def _tables_of(conn: Connection) -> list[str]:
    return sorted(inspect(conn).get_table_names())


def target_contents(target: Database) -> list[tuple[str, int | None]]:
    """The tables already in *target* (with their row counts where they can be read)."""
    found: list[tuple[str, int | None]] = []
    with target.engine.connect() as conn:
        for name in _tables_of(conn):
            try:
                with conn.begin_nested():
                    count = conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
            except Exception:  # noqa: BLE001 - a table we may not read: its name is enough
                count = None
            found.append((name, int(count) if count is not None else None))
    return found


def _copied_tables(meta: MetaData) -> list[Table]:
    """Every target table in foreign-key order (parents first)."""
    return list(meta.sorted_tables)


def _order_by(table: Table, dialect: str) -> list:
    keys = list(table.primary_key.columns) or list(table.columns)
    ordered: list = []
    for col in keys:
        if dialect == "postgresql" and isinstance(col.type, String):
            ordered.append(col.collate("C"))  # byte order, as SQLite's BINARY compares text
        else:
            ordered.append(col)
    return ordered


def _rows(conn: Connection, table: Table) -> Iterator[list[tuple]]:
    stmt = select(*table.columns).order_by(*_order_by(table, conn.dialect.name))
    result = conn.execution_options(stream_results=True, yield_per=BATCH_ROWS).execute(stmt)
    for part in result.partitions(BATCH_ROWS):
        yield [tuple(row) for row in part]


def _check_source(source: Database, meta: MetaData) -> None:
    """The source's tables and columns are the target's (both at the same head revision)."""
    with source.engine.connect() as conn:
        insp = inspect(conn)
        source_tables = {t for t in insp.get_table_names() if not t.startswith(SQLITE_ONLY_PREFIXES)}
        target_tables = set(meta.tables)
        extra = sorted(source_tables - target_tables)
        missing = sorted(target_tables - source_tables)
        if extra or missing:
            raise CopyError(
                _("コピー元とコピー先で表が一致しません(コピー元だけ: {extra} / コピー先だけ: {missing})。").format(
                    extra=", ".join(extra) or "-", missing=", ".join(missing) or "-"
                )
            )
        for name, table in meta.tables.items():
            cols = {c["name"] for c in insp.get_columns(name)}
            wanted = {c.name for c in table.columns}
            if cols != wanted:
                raise CopyError(
                    _("表 {table} の列がコピー元とコピー先で一致しません: {cols}").format(
                        table=name, cols=", ".join(sorted(cols ^ wanted))
                    )
                )


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    """Every serial/identity column's sequence continues after the largest copied id."""
    for table in tables:
        for col in table.columns:
            seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": f'"{table.name}"', "c": col.name})
            name = seq.scalar()
            if name is None:
                continue
            conn.execute(
                text(f'SELECT setval(:s, COALESCE((SELECT MAX("{col.name}") FROM "{table.name}"), 0) + 1, false)'),
                {"s": name},
            )


_FOREIGN_KEYS = """
SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname),
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace ORDER BY conname
"""
_INDEXES = """
SELECT format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
WHERE c.relnamespace = current_schema()::regnamespace
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
ORDER BY 1
"""


def _set_aside_keys_and_indexes(conn: Connection) -> list[str]:
    """Drop the foreign keys and secondary indexes (the search GIN indexes above all: filling them
    row by row is most of a large copy's time); returns the statements that put them back.
    Rebuilt after the rows are in, each index is built in one pass and each key checked in one
    query — what pg_restore does.  Primary keys and unique constraints stay throughout."""
    keys = [tuple(r) for r in conn.execute(text(_FOREIGN_KEYS))]
    for drop, _add in keys:
        conn.exec_driver_sql(drop)
    indexes = [tuple(r) for r in conn.execute(text(_INDEXES))]
    for drop, _add in indexes:
        conn.exec_driver_sql(drop)
    return [add for _drop, add in indexes] + [add for _drop, add in keys]


def _copy_table(source_conn: Connection, target_conn: Connection, table: Table, on_rows: Callable[[int], None]) -> int:
    raw = target_conn.connection.dbapi_connection
    assert raw is not None
    names = ", ".join(f'"{c.name}"' for c in table.columns)
    copied = 0
    try:
        with raw.cursor() as cur:  # type: ignore[attr-defined]  # psycopg 3
            with cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for batch in _rows(source_conn, table):
                    for row in batch:
                        copy.write_row(row)
                    copied += len(batch)
                    on_rows(len(batch))
    except Exception as exc:
        from kyodo_desk.redact import safe_message

        raise CopyError(
            _(
                "表 {table} の {n:,} 行目付近をコピー先が受け付けませんでした({error})。"
                "コピーは取り消したので、コピー先には何も残していません。"
            ).format(table=table.name, n=copied + 1, error=safe_message(exc))
        ) from exc
    return copied


def _row_counts(conn: Connection, tables: list[Table]) -> dict[str, int]:
    return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one()) for t in tables}


def copy_database(source: Database, target: Database, progress: Progress | None = None) -> CopyResult:
    """Copy every row of *source* into the empty PostgreSQL *target*, then verify it (see module doc)."""
    from alembic import command

    from kyodo_desk.db.migrate import alembic_config, current_revision, head_revision

    report = progress or (lambda _d, _t, _x: None)
    if target.is_sqlite:
        raise CopyError(_("コピー先は PostgreSQL のデータベースにしてください(postgresql+psycopg://…)。"))
    head = head_revision()
    if current_revision(source) != head:
        raise CopyError(
            _("コピー元のデータベースの版 {rev} がこの協働デスクの版 {head} と違います。先に更新してください。").format(
                rev=current_revision(source) or "-", head=head
            )
        )
    found = sorted(target_contents(target), key=lambda t: (-(t[1] or 0), t[0]))
    if found:
        raise TargetNotEmpty(found)

    started = time.perf_counter()
    cfg = alembic_config(target)
    with target.engine.connect() as tconn, source.engine.connect() as sconn:
        with tconn.begin():
            report(0, 1, _("コピー先にスキーマを作成しています…"))
            phases: list[tuple[str, float]] = []
            mark = time.perf_counter()

            def phase(name: str) -> None:
                nonlocal mark
                now = time.perf_counter()
                phases.append((name, now - mark))
                mark = now

            cfg.attributes["connection"] = tconn
            command.upgrade(cfg, "head")
            meta = MetaData()
            meta.reflect(bind=tconn)
            _check_source(source, meta)
            tables = _copied_tables(meta)
            names = ", ".join(f'"{t.name}"' for t in tables)
            tconn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY")  # the rows migrations seeded
            tconn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")  # index builds below
            restore = _set_aside_keys_and_indexes(tconn)
            phase("schema")
            with sconn.begin():
                counts = _row_counts(sconn, tables)
                total = sum(counts.values())
                done = 0
                for table in tables:
                    label = _("{table} をコピーしています({n:,}行)").format(table=table.name, n=counts[table.name])
                    report(done, total, label)

                    def advance(n: int, label: str = label) -> None:
                        nonlocal done
                        done += n
                        report(done, total, label)

                    _copy_table(sconn, tconn, table, advance)
            phase("rows")
            report(total, total, _("索引と外部キーを作り直しています…"))
            for statement in restore:
                tconn.exec_driver_sql(statement)
            _reset_sequences(tconn, tables)
            phase("indexes")
            report(total, total, _("コピーを確定しています…"))
        tconn.exec_driver_sql(f"ANALYZE {names}")  # planner statistics for the desks' first queries
        tconn.commit()
        phase("analyze")
    copy_seconds = time.perf_counter() - started
    log.info("db copy: %s rows; %s", total, ", ".join(f"{name} {sec:.1f}s" for name, sec in phases))
    started = time.perf_counter()
    checks = verify_copy(source, target, [t.name for t in tables], progress)
    return CopyResult(head, total, copy_seconds, time.perf_counter() - started, tuple(checks), tuple(phases))


# ---- verification --------------------------------------------------------------------------------


def normalized(value: object) -> str:
    """One text form of a column value on both databases (SQLite keeps datetimes as text,
    booleans as 0/1 and numerics as floats; PostgreSQL returns native types)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return str(value)


def table_digest(conn: Connection, table: Table) -> tuple[int, str]:
    """(rows, sha256) of *table* read through *conn*, rows ordered by primary key."""
    digest = hashlib.sha256()
    rows = 0
    for batch in _rows(conn, table):
        for row in batch:
            digest.update("\x1f".join(normalized(v) for v in row).encode("utf-8"))
            digest.update(b"\x1e")
        rows += len(batch)
    return rows, digest.hexdigest()


def verify_copy(
    source: Database, target: Database, names: list[str] | None = None, progress: Progress | None = None
) -> list[TableCheck]:
    """Row count and checksum of each table on both sides (the target's column types read both)."""
    meta = MetaData()
    with target.engine.connect() as tconn:
        meta.reflect(bind=tconn, only=names)
    tables = sorted(meta.tables.values(), key=lambda t: t.name)
    checks: list[TableCheck] = []
    with source.engine.connect() as sconn, target.engine.connect() as tconn:
        for i, table in enumerate(tables):
            if progress is not None:
                progress(i, len(tables), _("{table} を照合しています").format(table=table.name))
            s_rows, s_sha = table_digest(sconn, table)
            t_rows, t_sha = table_digest(tconn, table)
            checks.append(TableCheck(table.name, s_rows, t_rows, s_sha, t_sha))
    return checks
