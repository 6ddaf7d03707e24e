"""The counts and four lists of the 棚卸 tab: 確認済み (newest first), 未確認 (「2回続けて未確認」 in
red), 貸出中 (the ones found on the shelf first) and 不明なコード — views over list models, filled in
one go from a StocktakeView."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QGridLayout, QGroupBox, QVBoxLayout, QWidget

from kyodo_desk.i18n import _
from kyodo_desk.services.stocktake import StocktakeLineRecord, StocktakeView
from kyodo_desk.ui.lending.common import ERROR_COLOR, MUTED_COLOR, Row, make_table
from kyodo_desk.ui.widgets.page import plain_label

WARN_COLOR = ERROR_COLOR


def _hm(line: StocktakeLineRecord) -> str:
    return line.scanned_at.strftime("%H:%M:%S") if line.scanned_at else ""


def _loan(line: StocktakeLineRecord) -> str:
    """「L2025-00012 12/05まで」: the loan a device is out on (the whole remark is its tooltip)."""
    if line.due_on is None:
        return line.loan_reference
    return _("{ref} {date}まで").format(ref=line.loan_reference, date=line.due_on.strftime("%m/%d"))


class StocktakeLists(QWidget):
    """Takes whatever height the tab has left (its size hint is its minimum): the page's height for
    its width is reckoned from the hints, and a tall hint made the whole page scroll at 1366×768."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(super().sizeHint().width(), self.minimumSizeHint().height())

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.counts = plain_label()
        self.counts.setObjectName("stocktakeCounts")
        self.counts.setStyleSheet("font-size: 12pt; font-weight: bold;")
        layout.addWidget(self.counts)

        grid = QGridLayout()
        grid.setSpacing(8)
        self.found_table = make_table([_("管理番号"), _("機器"), _("確認"), _("備考")], stretch=1)
        self.missing_table = make_table([_("管理番号"), _("機器"), _("保管場所"), _("備考")], stretch=1)
        self.on_loan_table = make_table([_("管理番号"), _("機器"), _("棚に"), _("貸出")], stretch=1)
        self.unknown_table = make_table([_("スキャンしたコード"), _("確認")], stretch=0)
        self.boxes: dict[str, QGroupBox] = {}
        for n, (key, table) in enumerate(
            (
                ("found", self.found_table),
                ("missing", self.missing_table),
                ("on_loan", self.on_loan_table),
                ("unknown", self.unknown_table),
            )
        ):
            box = QGroupBox()
            box.setObjectName(f"stocktake_{key}")
            inner = QVBoxLayout(box)
            inner.setContentsMargins(6, 4, 6, 6)
            table.setMinimumHeight(80)  # the four lists share what the screen has left
            inner.addWidget(table)
            self.boxes[key] = box
            grid.addWidget(box, n // 2, n % 2)

        layout.addLayout(grid, 1)

    def show_view(self, view: StocktakeView | None) -> None:
        found = sorted(view.found, key=lambda x: x.scanned_at or x.code, reverse=True) if view else []
        missing = sorted(view.missing, key=lambda x: (not x.unseen_twice, x.code)) if view else []
        on_loan = sorted(view.on_loan, key=lambda x: (not x.seen, x.code)) if view else []
        unknown = sorted(view.unknown, key=lambda x: x.scanned_at or x.code, reverse=True) if view else []
        self.found_table.set_rows(
            [Row([x.code, x.name, _hm(x), x.remark], x, WARN_COLOR if x.remark else None) for x in found]
        )
        self.missing_table.set_rows(
            [
                Row([x.code, x.name, x.storage_place, x.remark], x, ERROR_COLOR if x.unseen_twice else None)
                for x in missing
            ]
        )
        self.on_loan_table.set_rows(
            [
                Row(
                    [x.code, x.name, _("あり") if x.seen else "", _loan(x)],
                    x,
                    WARN_COLOR if x.seen else MUTED_COLOR,
                    tooltip=x.remark,
                )
                for x in on_loan
            ]
        )
        self.unknown_table.set_rows([Row([x.code, _hm(x)], x, ERROR_COLOR) for x in unknown])
        twice = sum(1 for x in missing if x.unseen_twice)
        self.boxes["found"].setTitle(_("確認済み {n} 台").format(n=len(found)))
        self.boxes["missing"].setTitle(
            _("未確認 {n} 台(うち2回続けて未確認 {m} 台)").format(n=len(missing), m=twice)
            if twice
            else _("未確認 {n} 台").format(n=len(missing))
        )
        self.boxes["on_loan"].setTitle(
            _("貸出中 {n} 台(うち棚にあった {m} 台)").format(n=len(on_loan), m=sum(1 for x in on_loan if x.seen))
        )
        self.boxes["unknown"].setTitle(_("不明なコード {n} 件").format(n=len(unknown)))
        if view is None:
            self.counts.setText("")
            return
        self.counts.setText(
            _("確認 {found} / {expected} 台 ・ 未確認 {missing} ・ 貸出中 {loan} ・ 不明 {unknown}").format(
                found=sum(1 for x in found if x.expected),
                expected=view.expected_total,
                missing=len(missing),
                loan=len(on_loan),
                unknown=len(unknown),
            )
        )
