"""ホーム's 「年次報告」 row: choose the fiscal year, save the report for 市民協働推進課 as PDF or
Excel (the save dialog's file type decides).  Built and written on the task runner with a progress
dialog; the same report as ``kyodo-desk report annual``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QWidget

from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.i18n import _, wareki_fiscal_year
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.page import plain_label

YEARS_OFFERED = 6


def ask_save_path(parent: QWidget, title: str, suggested: str, file_filter: str) -> Path | None:
    from kyodo_desk.ui.printing.dialog import ask_save_path as ask  # the one 名前を付けて保存 question

    return ask(parent, title, suggested, file_filter)


def write_annual_report(services, actor, fiscal_year: int, target: Path, progress) -> str:
    """Gather and write the report (on a worker thread): .xlsx or PDF by *target*'s suffix."""
    report = services.annual_report.build(actor, fiscal_year, progress=progress)
    if target.suffix.lower() == ".xlsx":
        from kyodo_desk.documents.xlsx import Sheet, build_xlsx, write_xlsx

        sheets = [Sheet(t.name, t.columns, t.rows, t.note) for t in report.tables()]
        write_xlsx(target, build_xlsx(sheets, title=report.title, author=report.center_name))
    else:
        from kyodo_desk.documents.annual_report import build_annual_report_pdf
        from kyodo_desk.documents.base import write_pdf

        write_pdf(target, build_annual_report_pdf(report, services.settings.get()))
    return str(target)


class AnnualReportRow(QWidget):
    saved = Signal(str)

    def __init__(self, ctx: AppContext, today: dt.date):
        super().__init__()
        self.ctx = ctx
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 4, 0, 0)
        row.addWidget(plain_label(_("年次報告(市民協働推進課へ)")))
        self.year = QComboBox()
        self.year.setAccessibleName(_("年次報告の年度"))
        current = fiscal_year_of(today)
        for fy in range(current, current - YEARS_OFFERED, -1):
            self.year.addItem(f"{wareki_fiscal_year(fy)}({fy}年度)", fy)
        self.year.setCurrentIndex(1 if today.month in (4, 5, 6) else 0)  # spring: the year just ended
        row.addWidget(self.year)
        self.save_button = QPushButton(_("PDF・Excelで保存…"))
        self.save_button.clicked.connect(lambda: self.save())
        row.addWidget(self.save_button)
        self.status = plain_label()
        self.status.setObjectName("hint")
        row.addWidget(self.status, 1)

    def fiscal_year(self) -> int:
        return int(self.year.currentData())

    def save(self, path: str | Path | None = None) -> None:
        fy = self.fiscal_year()
        suggested = _("年次報告_{fy}.pdf").format(fy=wareki_fiscal_year(fy))
        target = (
            Path(path)
            if path
            else ask_save_path(self, _("年次報告を保存"), suggested, _("PDF ファイル (*.pdf);;Excel ブック (*.xlsx)"))
        )
        if target is None:
            return
        if target.suffix.lower() not in (".pdf", ".xlsx"):
            target = target.with_suffix(".pdf")
        services, actor = self.ctx.services, self.ctx.require_actor()
        self.ctx.tasks.run(
            lambda progress: write_annual_report(services, actor, fy, target, progress),
            _("年次報告を作っています…"),
            on_done=self._saved,
            owner=self,
            parent=self,
            cancellable=True,
        )

    def _saved(self, path: str) -> None:
        self.status.setText(_("{path} に保存しました。").format(path=path))
        self.saved.emit(path)
