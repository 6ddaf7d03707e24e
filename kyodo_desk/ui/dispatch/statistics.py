"""Dispatch statistics per fiscal year and month (visits by field, type, advisor, organization
kind; fees and travel against the budget; cancellations and no-shows), with CSV and PDF export
built off the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QPushButton, QVBoxLayout, QWidget

from kyodo_desk.i18n import _, format_number, wareki_fiscal_year
from kyodo_desk.services.consultation_stats import stats_table
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch import common
from kyodo_desk.ui.dispatch.common import cell, fiscal_year_combo, table
from kyodo_desk.ui.stats_files import stats_file_filter, stats_target, write_stats_file
from kyodo_desk.ui.widgets.page import plain_label

_SECTION = QBrush(QColor("#eef2f6"))


class StatisticsTab(QWidget):
    loaded = Signal()
    exported = Signal(str)  # path

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.stats = None
        self._seq = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        bar = QHBoxLayout()
        self.fiscal_year = fiscal_year_combo()
        self.title = plain_label()
        self.csv_button = QPushButton(_("CSV・Excelで保存…"))
        self.pdf_button = QPushButton(_("PDFで保存…"))
        bar.addWidget(self.fiscal_year)
        bar.addWidget(self.title, 1)
        bar.addWidget(self.csv_button)
        bar.addWidget(self.pdf_button)
        layout.addLayout(bar)
        self.table = table([""])
        self.table.setSelectionBehavior(self.table.SelectionBehavior.SelectItems)
        layout.addWidget(self.table, 1)
        self.status = plain_label()
        self.status.setObjectName("hint")
        layout.addWidget(self.status)
        self.fiscal_year.currentIndexChanged.connect(lambda _i: self.reload())
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self._loaded_once = False

    def ensure_loaded(self) -> None:
        if not self._loaded_once:
            self._loaded_once = True
            self.reload()

    def reload(self) -> None:
        self._seq += 1
        seq = self._seq
        fy = self.fiscal_year.currentData()
        actor, service = self.ctx.require_actor(), self.ctx.services.dispatch_stats
        self.status.setText(_("集計しています…"))
        self.ctx.tasks.run(
            lambda _p: service.statistics(actor, fy), on_done=lambda stats: self._fill(seq, stats), owner=self
        )

    def _fill(self, seq: int, stats) -> None:
        if seq != self._seq:
            return
        self.stats = stats
        rows = stats_table(stats)
        header, body = rows[0], rows[1:]
        t = self.table
        t.clear()
        t.setColumnCount(len(header))
        t.setHorizontalHeaderLabels(header)
        t.setRowCount(len(body))
        bold = QFont(t.font())
        bold.setBold(True)
        previous = None
        for r, row in enumerate(body):
            for c, text in enumerate(row):
                shown = "" if c == 0 and text == previous else text
                if c >= 2 and text.lstrip("-").isdigit():
                    shown = format_number(int(text))
                item = cell(shown, align_right=c >= 2)
                if c == len(row) - 1:
                    item.setFont(bold)
                    item.setBackground(_SECTION)
                    if row[0] == _("参加者数の平均(人)"):  # its last column is the year's average
                        item.setToolTip(_("年度の平均です(合計ではありません)。"))
                t.setItem(r, c, item)
            previous = row[0]
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        t.setColumnWidth(0, 130)
        t.setColumnWidth(1, 170)
        for c in range(2, len(header)):
            t.setColumnWidth(c, 70 if c < len(header) - 1 else 96)
        t.horizontalHeader().setStretchLastSection(False)
        self.title.setText(stats.title)
        self.status.setText(
            _("派遣は実施日の月に数えます。謝金・交通費は実施した回の合計です。取下げ・却下は受付月に数えます。")
            + "\n"
            + _("参加者数の平均は、参加者数を記録した実施1回あたりの人数です(最後の列は年度の平均、四捨五入)。")
        )
        self.loaded.emit()

    def export(self, kind: str) -> None:
        stats = self.stats
        if stats is None:
            return
        name = common.safe_filename(_("アドバイザー派遣統計_{fy}").format(fy=wareki_fiscal_year(stats.fiscal_year)))
        if kind == "csv":
            path = common.ask_save_path(self, _("CSV・Excelで保存"), name + ".csv", stats_file_filter())
        else:
            path = common.ask_save_path(self, _("PDFで保存"), name + ".pdf", _("PDF ファイル (*.pdf)"))
        if path is None:
            return
        if kind == "csv":
            path = stats_target(path)  # .csv, or .xlsx when Excel was chosen
        elif path.suffix.lower() != "." + kind:
            path = path.with_suffix("." + kind)
        settings = self.ctx.services.settings

        def work(progress):
            if kind == "csv":
                write_stats_file(path, stats)
            else:
                from kyodo_desk.documents.base import write_pdf  # ReportLab: imported when saving
                from kyodo_desk.documents.statistics import build_statistics_pdf

                write_pdf(path, build_statistics_pdf(stats, settings.get(), progress=progress))
            return str(path)

        self.ctx.tasks.run(work, _("統計を保存しています…"), on_done=self._exported, owner=self, parent=self)

    def _exported(self, path: str) -> None:
        self.status.setText(_("{path} に保存しました。").format(path=path))
        self.exported.emit(path)
