"""What an import will do, row by row, before anything is written (the preview), and the values
read from one row through the person's column mapping."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kyodo_desk.domain import date_input
from kyodo_desk.domain.enums import LabelledEnum
from kyodo_desk.i18n import N_, _
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.imports.fields import KindSpec, choices_text, resolver, split_multiple
from kyodo_desk.services.imports.reading import Cell, Row, cell_text

NEW, UPDATE, SAME, ERROR = "new", "update", "same", "error"
ACTION_LABELS = {NEW: N_("新規"), UPDATE: N_("更新"), SAME: N_("変更なし"), ERROR: N_("エラー")}

Mapping = tuple[str, ...]  # field key per column of the file ("" = not imported)
ValueMap = dict[str, dict[str, str]]  # field key → folded value in the file → code
Progress = Callable[[int, int, str], None] | None
_EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class PreviewRow:
    number: int  # row number in the file
    action: str
    key: str  # 管理番号, 団体名, 氏名 … (what tells an update from a new record)
    summary: str
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def action_label(self) -> str:
        return _(ACTION_LABELS[self.action])


@dataclass(frozen=True)
class UnknownValue:
    field: str
    field_label: str
    value: str  # as written in the file (the first time)
    folded: str
    rows: int  # how many rows carry it


@dataclass(frozen=True)
class Preview:
    kind: str
    rows: tuple[PreviewRow, ...]
    unknown: tuple[UnknownValue, ...] = ()

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def errors(self) -> tuple[PreviewRow, ...]:
        return tuple(r for r in self.rows if r.action == ERROR)

    def summary(self) -> str:
        return _("新規 {new} 件・更新 {update} 件・変更なし {same} 件・エラー {error} 件").format(
            new=self.count(NEW), update=self.count(UPDATE), same=self.count(SAME), error=self.count(ERROR)
        )


@dataclass(frozen=True)
class ImportResult:
    kind: str
    created: int
    updated: int
    unchanged: int
    skipped: int  # error rows left out (only when the person chose to skip them)

    def summary(self) -> str:
        text = _("新規 {new} 件・更新 {update} 件を取り込みました(変更なし {same} 件)。").format(
            new=self.created, update=self.updated, same=self.unchanged
        )
        if self.skipped:
            text += _("エラーの {n} 行は取り込んでいません。").format(n=self.skipped)
        return text


class ImportRowsRefused(ServiceError):
    """Rows with errors and no permission to skip them: nothing was written."""

    def __init__(self, preview: Preview):
        self.preview = preview
        lines = [
            _("{row}行目: {reason}").format(row=r.number, reason="、".join(r.problems)) for r in preview.errors[:50]
        ]
        more = len(preview.errors) - 50
        super().__init__(
            _("取り込みを中止しました(何も登録していません)。\n")
            + "\n".join(lines)
            + ("\n" + _("ほか {n} 件").format(n=more) if more > 0 else "")
        )


@dataclass
class Planned:
    """One row's plan: the preview line and what the writer needs."""

    row: PreviewRow
    data: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def nfkc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


class RowValues:
    """The values of one row through the mapping; problems collected as they are read."""

    def __init__(self, spec: KindSpec, row: Row, mapping: Mapping, values: ValueMap):
        self.spec, self.row, self.values = spec, row, values
        self.columns = {key: i for i, key in enumerate(mapping) if key}
        self.problems: list[str] = list(row.problems)
        self.notes: list[str] = list(row.notes)

    def mapped(self, key: str) -> bool:
        return key in self.columns

    def raw(self, key: str) -> Cell:
        i = self.columns.get(key)
        return self.row.cells[i] if i is not None and i < len(self.row.cells) else ""

    def text(self, key: str) -> str:
        return cell_text(self.raw(key)).strip()

    def date(self, key: str) -> dt.date | None:
        value = self.raw(key)
        if isinstance(value, dt.date):
            return value
        if not value.strip():
            return None
        if value.isdigit() and len(value) == 5 and 20000 <= int(value) <= 80000:
            # an Excel date serial (a date cell pasted as a number, or a CSV saved from one): 1900 system
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        try:
            return date_input.parse_date(value)
        except date_input.DateInputError as exc:
            self.problems.append(
                _("{field}「{value}」が日付として読めません: {why}").format(
                    field=self.spec.field(key).label, value=value[:40], why=exc.message
                )
            )
            return None

    def code(self, key: str, codes: type[LabelledEnum]) -> str | None:
        """The code of a coded cell; '' when the cell is empty; None (and a problem) when unknown."""
        value = self.text(key)
        if not value:
            return ""
        code = resolver(codes, self.values.get(key, {}))(value)
        if code is None:
            self.problems.append(self.unknown_message(key, value, codes))
        return code

    def codes(self, key: str, codes: type[LabelledEnum]) -> tuple[str, ...] | None:
        resolve = resolver(codes, self.values.get(key, {}))
        out: list[str] = []
        for part in split_multiple(self.text(key)):
            code = resolve(part)
            if code is None:
                self.problems.append(self.unknown_message(key, part, codes))
                return None
            if code not in out:
                out.append(code)
        return tuple(out)

    def unknown_message(self, key: str, value: str, codes: type[LabelledEnum]) -> str:
        return _("{field}「{value}」がわかりません({ok} のどれかにしてください)").format(
            field=self.spec.field(key).label, value=value[:40], ok=choices_text(codes)
        )

    def preview(self, action: str, key: str, summary: str) -> PreviewRow:
        if self.problems:
            action = ERROR
        return PreviewRow(self.row.number, action, key, summary, tuple(self.problems), tuple(self.notes))


def field_problems(obj: object) -> list[str]:
    """The same length and character rules the write session applies (db/input_rules.py)."""
    from kyodo_desk.db.input_rules import problems

    return list(problems(obj).values())


def tick(progress: Progress, done: int, total: int, text: str) -> None:
    if progress is not None and (done % 200 == 0 or done == total):  # batches of 200 end on a multiple
        progress(done, total, text)
