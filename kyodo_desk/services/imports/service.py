"""One import flow for devices, organizations and advisors (the GUI dialog and ``kyodo-desk import``).

1. :meth:`ImportService.open_file` reads the file (Excel or CSV) and proposes a column mapping: the
   one remembered for this kind of import, else guessed from the headings.
2. :meth:`ImportService.unknown_values` lists the values of coded columns the desk does not know
   (「電子レンジ」 as a device kind); the person maps each once (remembered too).
3. :meth:`ImportService.preview` says for every row: new, update, unchanged or error (with reasons).
4. :meth:`ImportService.run` plans again and writes everything in one write transaction, or
   nothing: a row with an error stops the whole import unless the person chose to leave error rows
   out (``skip_errors``, the dialog's check box and ``--skip-errors``).  The mapping is remembered in
   the same transaction.  The planning (reading the records, validation, normalisation) runs in a
   read session *before* the write transaction, so SQLite's one write lock is held only for the
   inserts themselves (issue 16: other desks are not kept waiting); a fingerprint of the tables the
   plan read (rows, largest id, sum of versions) is compared under the lock, and when another desk
   changed them in between, the plan is made again inside the write transaction.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kyodo_desk.db.dispatch_models import Advisor
from kyodo_desk.db.engine import Database
from kyodo_desk.db.lending_models import Device, DeviceModel
from kyodo_desk.db.models import Organization, Setting, now
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.text_fields import without_bad_characters
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, ServiceError, audit, require
from kyodo_desk.services.conflict_retry import conflict_retrying
from kyodo_desk.services.imports import advisors, batches, devices, organizations
from kyodo_desk.services.imports.fields import SPECS, KindSpec, fold_heading, fold_value, guess_mapping, resolver
from kyodo_desk.services.imports.fields import split_multiple as _split
from kyodo_desk.services.imports.plan import (
    ERROR,
    NEW,
    UPDATE,
    ImportResult,
    ImportRowsRefused,
    Mapping,
    Planned,
    Preview,
    Progress,
    UnknownValue,
    ValueMap,
)
from kyodo_desk.services.imports.reading import Table, cell_text, read_table

log = logging.getLogger(__name__)
_PLANNERS = {"devices": devices, "organizations": organizations, "advisors": advisors}
_PLANNED_FROM = {"devices": (Device, DeviceModel), "organizations": (Organization,), "advisors": (Advisor,)}


def _fingerprint(session: Session, kind: str) -> tuple:
    """What the plan of *kind* read, in a few numbers: per table its rows, largest id and the sum of
    versions (or the newest ``updated_at``) — any insert, delete or versioned edit changes it."""
    out: list = []
    for model in _PLANNED_FROM[kind]:
        cols: list[Any] = [func.count(), func.max(model.id)]
        if hasattr(model, "version"):
            cols.append(func.sum(model.version))
        if hasattr(model, "updated_at"):
            cols.append(func.max(model.updated_at))
        out.append(tuple(session.execute(select(*cols)).one()))
    return tuple(out)


def _clean(text: str) -> str:
    """A heading or value as remembered: no invisible control characters, at most 100 characters."""
    return without_bad_characters(text)[:100]


def _setting_key(kind: str) -> str:
    return f"import_mapping.{kind}"


@conflict_retrying
class ImportService:
    def __init__(self, db: Database, settings):
        self.db = db
        self.settings = settings

    def _spec(self, actor: Actor, kind: str) -> KindSpec:
        spec = SPECS.get(kind)
        require(actor, spec.permission if spec else Permission.SETTINGS_EDIT)
        if spec is None:
            raise ServiceError(_("取り込めるのは devices・organizations・advisors です。"))
        return spec

    # ---- 1. the file and its columns ------------------------------------------------------
    def open_file(self, actor: Actor, kind: str, data: bytes, filename: str = "") -> tuple[Table, Mapping, ValueMap]:
        """The table, the proposed mapping and the remembered value choices.  Raises ImportFileRefused."""
        spec = self._spec(actor, kind)
        table = read_table(data, filename)
        saved = self._saved(kind)
        mapping = tuple(guess_mapping(spec, table.header, saved.get("columns", {})))
        return table, mapping, saved.get("values", {})

    def _saved(self, kind: str) -> dict:
        with self.db.read() as s:
            row = s.get(Setting, _setting_key(kind))
            try:
                value = json.loads(row.value) if row else {}
            except ValueError:
                value = {}
        return value if isinstance(value, dict) else {}

    # ---- 2. coded values the desk does not know ------------------------------------------
    def unknown_values(
        self, actor: Actor, kind: str, table: Table, mapping: Mapping, values: ValueMap
    ) -> list[UnknownValue]:
        spec = self._spec(actor, kind)
        found: dict[tuple[str, str], list] = {}
        for f in spec.fields:
            if f.codes is None or f.key not in mapping:
                continue
            column = mapping.index(f.key)
            resolve = resolver(f.codes, values.get(f.key, {}))
            for row in table.rows:
                text = cell_text(row.cells[column]).strip() if column < len(row.cells) else ""
                for part in _split(text) if f.multiple else ([text] if text else []):
                    if resolve(part) is None:
                        entry = found.setdefault((f.key, fold_value(part)), [part, 0, f.label])
                        entry[1] += 1
        return [
            UnknownValue(key, label, value, folded, count)
            for (key, folded), (value, count, label) in list(found.items())[:200]
        ]

    # ---- 3. the preview -------------------------------------------------------------------
    def preview(
        self, actor: Actor, kind: str, table: Table, mapping: Mapping, values: ValueMap, progress: Progress = None
    ) -> Preview:
        self._check_mapping(self._spec(actor, kind), mapping)
        with self.db.read() as s:
            planned = _PLANNERS[kind].plan(s, table, mapping, values, progress)
        return Preview(
            kind, tuple(p.row for p in planned), tuple(self.unknown_values(actor, kind, table, mapping, values))
        )

    def check_mapping(self, actor: Actor, kind: str, mapping: Mapping) -> None:
        """Raise ServiceError (in words) when a required field has no column or a field has two."""
        self._check_mapping(self._spec(actor, kind), mapping)

    def _check_mapping(self, spec: KindSpec, mapping: Mapping) -> None:
        missing = [f.label for f in spec.fields if f.required and f.key not in mapping]
        if missing and not (spec.kind == "devices" and "asset_tag" in mapping):
            raise ServiceError(
                _("「{fields}」にする列を選んでください(必須の項目です)。").format(fields="」「".join(missing))
            )
        dup = {k for k in mapping if k and mapping.count(k) > 1}
        if dup:
            labels = "」「".join(spec.field(k).label for k in sorted(dup))
            raise ServiceError(_("「{fields}」に2つ以上の列を選んでいます。1つにしてください。").format(fields=labels))

    # ---- 4. writing -----------------------------------------------------------------------
    def run(
        self,
        actor: Actor,
        kind: str,
        table: Table,
        mapping: Mapping,
        values: ValueMap,
        *,
        skip_errors: bool = False,
        progress: Progress = None,
    ) -> ImportResult:
        """Write every row, or none.  Raises ImportRowsRefused (nothing written) when a row has an
        error and *skip_errors* is false.  One transaction, except a long import on SQLite: batches
        that a failure takes back (see :mod:`kyodo_desk.services.imports.batches`)."""
        spec = self._spec(actor, kind)
        self._check_mapping(spec, mapping)
        planner = _PLANNERS[kind]
        prefix = self.settings.get().asset_tag_prefix if kind == "devices" else ""
        with self.db.read() as s:  # the slow part, outside the write lock
            seen = _fingerprint(s, kind)
            planned: list[Planned] = planner.plan(s, table, mapping, values, progress)
        errors = [p for p in planned if p.row.action == ERROR]
        if errors and not skip_errors:
            raise ImportRowsRefused(Preview(kind, tuple(p.row for p in planned)))
        writes = [p for p in planned if p.row.action in (NEW, UPDATE)]
        if self.db.is_sqlite and len(writes) > batches.BATCH_ROWS:
            done = self._run_in_batches(actor, kind, table, mapping, values, seen, writes, prefix, progress)
            if done is not None:
                created, updated = done
                return ImportResult(kind, created, updated, len(planned) - created - updated - len(errors), len(errors))
        with self.db.write() as s:
            if _fingerprint(s, kind) != seen:  # another desk changed these records meanwhile: plan again
                planned = planner.plan(s, table, mapping, values, progress)
                errors = [p for p in planned if p.row.action == ERROR]
                if errors and not skip_errors:
                    raise ImportRowsRefused(Preview(kind, tuple(p.row for p in planned)))
            created, updated = self._write(s, actor, kind, planned, prefix, progress)
            self._remember(s, actor, kind, table, mapping, values)
        if not self.db.is_sqlite and created + updated > batches.BATCH_ROWS:
            self._analyze(kind)
        unchanged = len(planned) - created - updated - len(errors)
        return ImportResult(kind, created, updated, unchanged, len(errors))

    def _analyze(self, kind: str) -> None:
        """PostgreSQL after a long import: fresh planner statistics at once.  Without them a short
        search term (「森山」, the kyodo_grams index) took 4.6 s instead of 0.09 s over 12,000 new
        organizations until autovacuum came by.  A desk role that does not own the tables gets a
        warning from the server, not an error."""
        try:
            with self.db.engine.connect() as conn:
                for model in batches.tables_of(kind):
                    conn.exec_driver_sql(f"ANALYZE {model.__tablename__}")
                conn.commit()
        except Exception:  # noqa: BLE001 - the import is saved; statistics come with autovacuum
            log.warning("ANALYZE after the import of %s failed", kind, exc_info=True)

    def _write(
        self, s: Session, actor: Actor, kind: str, planned: list[Planned], prefix: str, progress: Progress
    ) -> tuple[int, int]:
        if kind == "devices":
            return devices.write(s, actor, planned, prefix, progress)
        return _PLANNERS[kind].write(s, actor, planned, progress)

    def _run_in_batches(
        self,
        actor: Actor,
        kind: str,
        table: Table,
        mapping: Mapping,
        values: ValueMap,
        seen: tuple,
        writes: list[Planned],
        prefix: str,
        progress: Progress,
    ) -> tuple[int, int] | None:
        """SQLite: commit *writes* :data:`batches.BATCH_ROWS` at a time; a failure takes back the
        batches already committed (see :mod:`batches`).  None when another desk changed the records
        since the plan (the caller then plans again in one transaction)."""
        import uuid

        import_id = uuid.uuid4().hex[:8]
        chunks = [writes[i : i + batches.BATCH_ROWS] for i in range(0, len(writes), batches.BATCH_ROWS)]
        work = batches.Undo(kind)
        created = updated = 0
        try:
            for number, chunk in enumerate(chunks, start=1):
                offset = created + updated

                def ticked(done: int, _total: int, text: str, offset: int = offset) -> None:
                    if progress is not None:
                        progress(offset + done, len(writes), text)

                with self.db.write() as s:
                    if number == 1 and _fingerprint(s, kind) != seen:
                        return None
                    at = batches.mark(s, kind, chunk)
                    c, u = self._write(s, actor, kind, chunk, prefix, ticked)
                    done = batches.record(s, kind, at)
                    audit(
                        s, actor, AuditAction.UPDATE, "import", None, f"import={import_id} batch={number}/{len(chunks)}"
                    )
                    if number == len(chunks):
                        self._remember(s, actor, kind, table, mapping, values)
                batches.merge(work, done)  # committed: now it is something to take back on failure
                created, updated = created + c, updated + u
                if number < len(chunks):
                    time.sleep(batches.PAUSE_BETWEEN_BATCHES)  # other desks' waiting writes go first
        except BaseException:
            if not work.empty:
                self._take_back(actor, import_id, work)
            raise
        return created, updated

    def _take_back(self, actor: Actor, import_id: str, work: batches.Undo) -> None:
        try:
            with self.db.write() as s:
                batches.undo(s, work)
                audit(s, actor, AuditAction.DELETE, "import", None, f"import={import_id} rolled back")
        except Exception as exc:  # another desk already uses an imported record (a loan of a new device …)
            log.exception("import %s could not be taken back", import_id)
            raise ServiceError(
                _(
                    "取り込みが途中で止まり、すでに書き込んだ分を取り消せませんでした(別の窓口がその記録を使い始めています)。"
                    "監査ログの「import={id}」の行を管理者に見せてください。"
                ).format(id=import_id)
            ) from exc

    def _remember(self, s: Session, actor: Actor, kind: str, table: Table, mapping: Mapping, values: ValueMap) -> None:
        row = s.get(Setting, _setting_key(kind))
        try:
            saved = json.loads(row.value) if row else {}
        except ValueError:
            saved = {}
        if not isinstance(saved, dict):
            saved = {}
        columns = dict(saved.get("columns", {}))
        for heading, key in zip(table.header, mapping, strict=False):
            if fold_heading(heading):
                columns[_clean(fold_heading(heading))] = key
        chosen = {k: dict(v) for k, v in saved.get("values", {}).items() if isinstance(v, dict)}
        for key, pairs in values.items():
            chosen.setdefault(key, {}).update({_clean(str(a)): str(b) for a, b in pairs.items()})
        text = json.dumps({"columns": dict(list(columns.items())[-300:]), "values": chosen}, ensure_ascii=False)
        if row is None:
            s.add(Setting(key=_setting_key(kind), value=text, updated_by=actor.staff_id))
        else:
            row.value, row.updated_by, row.updated_at = text, actor.staff_id, now()
