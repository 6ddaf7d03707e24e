"""相談の統計: a fiscal year (April–March) or one month, shown as the city's table
(services.consultation_stats.stats_table), saved as CSV for Japanese Excel or as a PDF table.
Counting and the files are built off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QHeaderView, QPushButton, QTableView, QVBoxLayout, QWidget

from kyodo_desk.domain.fiscal import fiscal_months
from kyodo_desk.i18n import _, format_number
from kyodo_desk.services.consultation_stats import ConsultationStats, stats_table
from kyodo_desk.ui.consultations.common import CONSULTATION_KIND, ask_save_path, fiscal_year_combo, safe_filename
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.stats_files import stats_file_filter, stats_target, write_stats_file
from kyodo_desk.ui.widgets.page import plain_label

_TOTAL = QBrush(QColor("#eef2f6"))


class StatsTableModel(QAbstractTableModel):
    """The rows of ``stats_table``: 区分 (shown once per section), 項目, one column per month, 合計."""

    def __init__(self) -> None:
        super().__init__()
        self.header: list[str] = []
        self.body: list[list[str]] = []

    def set_table(self, table: list[list[str]]) -> None:
        self.beginResetModel()
        self.header, self.body = list(table[0]), [list(r) for r in table[1:]]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.body)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.header)

    def cell(self, row: int, column: int) -> str:
        return self.body[row][column]

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        text = self.body[r][c]
        if role == Qt.ItemDataRole.DisplayRole:
            if c == 0 and r > 0 and self.body[r - 1][0] == text:
                return ""
            if c >= 2 and text.isdigit():
                return format_number(int(text))
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole and c >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and c == len(self.header) - 1:
            return _TOTAL
        if role == Qt.ItemDataRole.FontRole and (c == len(self.header) - 1 or (c == 0 and text)):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and section < len(self.header)
        ):
            return self.header[section]
        return None


class StatisticsTab(QWidget):
    loaded = Signal()
    exported = Signal(str)  # path

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.stats: ConsultationStats | None = None
        self._seq = 0
        self._loaded_once = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        bar = QHBoxLayout()
        self.fiscal_year = fiscal_year_combo()
        self.month = QComboBox()
        self._fill_months()
        self.title = plain_label()
        self.title.setObjectName("cardTitle")
        self.csv_button = QPushButton(_("CSV・Excelで保存…"))
        self.pdf_button = QPushButton(_("PDFで保存…"))
        bar.addWidget(self.fiscal_year)
        bar.addWidget(self.month)
        bar.addSpacing(12)
        bar.addWidget(self.title, 1)
        bar.addWidget(self.csv_button)
        bar.addWidget(self.pdf_button)
        layout.addLayout(bar)
        self.model = StatsTableModel()
        self.table = QTableView()
        self.table.setObjectName("statsTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.horizontalHeader().setHighlightSections(False)
        layout.addWidget(self.table, 1)
        self.status = plain_label()
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.fiscal_year.currentIndexChanged.connect(lambda _i: self.reload())
        self.month.currentIndexChanged.connect(lambda _i: self.reload())
        self.csv_button.clicked.connect(lambda: self.export_csv())
        self.pdf_button.clicked.connect(lambda: self.export_pdf())
        ctx.events.data_changed.connect(
            lambda kind, _ids: self.reload() if kind == CONSULTATION_KIND and self._loaded_once else None
        )
        self._set_ready(False)

    def _fill_months(self) -> None:
        self.month.addItem(_("年度全体(月別)"), None)
        for _y, m in fiscal_months(2000):
            self.month.addItem(_("{m}月").format(m=m), m)

    def _set_ready(self, ready: bool) -> None:
        self.csv_button.setEnabled(ready)
        self.pdf_button.setEnabled(ready)

    def ensure_loaded(self) -> None:
        if not self._loaded_once:
            self._loaded_once = True
            self.reload()

    def select(self, fiscal_year: int, month: int | None = None) -> None:
        """Choose the period (tests and the CLI-like shortcuts use this)."""
        self.fiscal_year.blockSignals(True)
        self.month.blockSignals(True)
        if self.fiscal_year.findData(fiscal_year) < 0:
            self.fiscal_year.addItem(str(fiscal_year), fiscal_year)
        self.fiscal_year.setCurrentIndex(self.fiscal_year.findData(fiscal_year))
        self.month.setCurrentIndex(max(0, self.month.findData(month)))
        self.fiscal_year.blockSignals(False)
        self.month.blockSignals(False)
        self._loaded_once = True
        self.reload()

    def reload(self) -> None:
        self._seq += 1
        seq = self._seq
        fy, month = self.fiscal_year.currentData(), self.month.currentData()
        actor, service = self.ctx.require_actor(), self.ctx.services.consultation_stats
        self.status.setText(_("集計しています…"))
        self._set_ready(False)
        self.ctx.tasks.run(
            lambda _p: service.statistics(actor, fy, month=month), on_done=lambda s: self._fill(seq, s), owner=self
        )

    def _fill(self, seq: int, stats: ConsultationStats) -> None:
        if seq != self._seq:
            return
        self.stats = stats
        self.model.set_table(stats_table(stats))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        self.table.setColumnWidth(0, 104)
        for c in range(2, self.model.columnCount()):
            self.table.setColumnWidth(c, 50 if c < self.model.columnCount() - 1 else 64)
        self.title.setText(stats.title)
        rate = f"{stats.followup_completion:.0%}" if stats.followup_total else "—"
        self.status.setText(
            _(
                "1件の相談が複数の分類に当たるときは、それぞれの分類に数えます(分類の合計は件数より多くなります)。"
                "案件数は同じ案件の相談を1つと数えます。フォローアップ完了率 {rate}。"
            ).format(rate=rate)
        )
        self._set_ready(True)
        self.loaded.emit()

    # ---- files ------------------------------------------------------------------------------------
    def _default_name(self, suffix: str) -> str:
        return safe_filename(self.stats.title if self.stats else _("相談受付統計")) + suffix

    def export_csv(self, path: str | Path | None = None) -> None:
        stats = self.stats
        if stats is None:
            return
        target = (
            Path(path)
            if path
            else ask_save_path(self, _("CSV・Excelで保存"), self._default_name(".csv"), stats_file_filter())
        )
        if target is None:
            return
        target = stats_target(target)  # .csv, or .xlsx when Excel was chosen
        self.ctx.tasks.run(
            lambda _p: write_stats_file(target, stats),
            _("CSVを保存しています…"),
            on_done=self._exported,
            owner=self,
            parent=self,
        )

    def export_pdf(self, path: str | Path | None = None) -> None:
        stats = self.stats
        if stats is None:
            return
        target = (
            Path(path)
            if path
            else ask_save_path(self, _("PDFで保存"), self._default_name(".pdf"), _("PDF ファイル (*.pdf)"))
        )
        if target is None:
            return
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        settings = self.ctx.services.settings

        def work(progress):
            from kyodo_desk.documents.base import write_pdf  # ReportLab: imported when saving
            from kyodo_desk.documents.statistics import build_statistics_pdf

            return str(write_pdf(target, build_statistics_pdf(stats, settings.get(), progress=progress)))

        self.ctx.tasks.run(
            work, _("統計表のPDFを作っています…"), on_done=self._exported, owner=self, parent=self, cancellable=True
        )

    def _exported(self, path: str) -> None:
        self.status.setText(_("{path} に保存しました。").format(path=path))
        self.exported.emit(path)
