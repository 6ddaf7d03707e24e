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
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kyodo_desk.db.dispatch_models import Advisor
from kyodo_desk.db.engine import Database
from kyodo_desk.db.lending_models import Device, DeviceModel
from kyodo_desk.db.models import Organization, Setting, now
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.text_fields import without_bad_characters
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, ServiceError, require
from kyodo_desk.services.imports import advisors, devices, organizations
from kyodo_desk.services.imports.fields import SPECS, KindSpec, fold_heading, fold_value, guess_mapping, resolver
from kyodo_desk.services.imports.fields import split_multiple as _split
from kyodo_desk.services.imports.plan import (
    ERROR,
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
        """Write every row, all in one transaction.  Raises ImportRowsRefused (nothing written) when a
        row has an error and *skip_errors* is false."""
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
        with self.db.write() as s:
            if _fingerprint(s, kind) != seen:  # another desk changed these records meanwhile: plan again
                planned = planner.plan(s, table, mapping, values, progress)
                errors = [p for p in planned if p.row.action == ERROR]
                if errors and not skip_errors:
                    raise ImportRowsRefused(Preview(kind, tuple(p.row for p in planned)))
            if kind == "devices":
                created, updated = planner.write(s, actor, planned, prefix, progress)
            else:
                created, updated = planner.write(s, actor, planned, progress)
            self._remember(s, actor, kind, table, mapping, values)
        unchanged = len(planned) - created - updated - len(errors)
        return ImportResult(kind, created, updated, unchanged, len(errors))

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
