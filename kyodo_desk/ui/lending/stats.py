"""統計: lending statistics of a fiscal year (loans by device kind and borrower kind, utilisation,
overdue, damage) as a table, exported to CSV or a PDF for the city — built off the GUI thread."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.i18n import _, format_number, wareki_fiscal_year
from kyodo_desk.services.consultation_stats import stats_table
from kyodo_desk.services.csv_export import write_csv
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.lending.common import MessageLine, Row, RowsTable, make_table
from kyodo_desk.ui.lending.print_path import show_pdf
from kyodo_desk.ui.stats_files import stats_file_filter, stats_target, write_stats_file
from kyodo_desk.ui.widgets.page import plain_label


class StatsTab(QWidget):
    loaded = Signal()
    csv_written = Signal(str)

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.stats = None
        self.table_rows: list[list[str]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 4, 4)
        row = QHBoxLayout()
        row.addWidget(plain_label(_("年度")))
        self.year = QComboBox()
        self.year.setObjectName("fiscalYear")
        current = fiscal_year_of(dt.date.today())
        for fy in range(current, current - 6, -1):
            self.year.addItem(_("{wareki}({fy}年度)").format(wareki=wareki_fiscal_year(fy), fy=fy), fy)
        self.year.currentIndexChanged.connect(lambda _i: self.refresh())
        row.addWidget(self.year)
        row.addStretch(1)
        self.csv_button = QPushButton(_("CSV・Excelで保存…"))
        self.csv_button.clicked.connect(self.choose_csv)
        self.pdf_button = QPushButton(_("プレビュー…"))
        self.pdf_button.clicked.connect(self.show_pdf)
        row.addWidget(self.csv_button)
        row.addWidget(self.pdf_button)
        layout.addLayout(row)
        self.message = MessageLine()
        layout.addWidget(self.message)
        self.table: RowsTable = make_table([""])
        self.table.setObjectName("statsTable")
        layout.addWidget(self.table, 1)
        self._loaded_once = False

    def tab_shown(self) -> None:
        if not self._loaded_once:
            self.refresh()

    def fiscal_year(self) -> int:
        return self.year.currentData()

    def refresh(self) -> None:
        self._loaded_once = True
        actor, stats, fy = self.ctx.require_actor(), self.ctx.services.lending_stats, self.fiscal_year()
        self.ctx.tasks.run(lambda _p: stats.statistics(actor, fy), on_done=self._show, owner=self)

    def _show(self, stats) -> None:
        self.stats = stats
        self.table_rows = stats_table(stats)
        header, rows = self.table_rows[0], self.table_rows[1:]
        shown_rows = []
        previous = None
        for values in rows:
            shown = list(values)
            if shown[0] == previous:
                shown[0] = ""
            previous = values[0]
            for c in range(2, len(shown)):  # counts as everywhere else: 1,649
                if isinstance(shown[c], int) or (isinstance(shown[c], str) and shown[c].lstrip("-").isdigit()):
                    shown[c] = format_number(int(shown[c]))
            shown_rows.append(Row(["" if v is None else str(v) for v in shown]))
        self.table.set_right_aligned(range(2, len(header)))
        self.table.set_rows(shown_rows, headers=[str(h) for h in header])
        self.message.show_message(stats.title, "info")
        self.loaded.emit()

    def choose_csv(self) -> None:
        if self.stats is None:
            return
        name = _("機器貸出統計_{fy}年度.csv").format(fy=self.fiscal_year())
        path, _f = QFileDialog.getSaveFileName(
            self, _("CSV・Excelで保存"), str(Path.home() / name), stats_file_filter()
        )
        if path:
            self.write_csv(path)

    def write_csv(self, path: str | Path) -> None:
        """CSV, or an Excel workbook when *path* ends in .xlsx."""
        target = stats_target(Path(path))
        if target.suffix.lower() == ".xlsx":
            stats = self.stats
            self.ctx.tasks.run(lambda _p: write_stats_file(target, stats), on_done=self._csv_done, owner=self)
            return
        rows = list(self.table_rows)
        self.ctx.tasks.run(lambda _p: str(write_csv(target, rows)), on_done=self._csv_done, owner=self)

    def _csv_done(self, path: str) -> None:
        self.message.show_message(_("{path} に保存しました。").format(path=path), "ok")
        self.csv_written.emit(path)

    def show_pdf(self) -> None:
        if self.stats is None:
            return
        from kyodo_desk.documents.statistics import build_statistics_pdf

        stats, settings = self.stats, self.ctx.services.settings
        show_pdf(
            self.ctx,
            self,
            lambda: build_statistics_pdf(stats, settings.get()),
            stats.title,
            _("機器貸出統計_{fy}年度.pdf").format(fy=self.fiscal_year()),
            write=False,
        )
