"""相談カルテ: every consultation of one organization, newest first, with its cases (案件); and one
case's timeline (oldest first) with its status 継続中 / 完了.  Enter on a line opens it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kyodo_desk.domain.consultation import CaseStatus
from kyodo_desk.i18n import _, format_number
from kyodo_desk.services.consultations import CaseRecord, ConsultationRecord
from kyodo_desk.ui.consultations.common import CASE_KIND, CONSULTATION_KIND, one_line
from kyodo_desk.ui.consultations.model import followup_text
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.rows_table import Row, RowsTable
from kyodo_desk.ui.widgets.screen import fit_to_screen

ID_ROLE = Qt.ItemDataRole.UserRole


def make_table(headers: list[str], stretch: int) -> RowsTable:
    """A view over a list model (filled in one reset: a long カルテ does not freeze the window)."""
    return RowsTable(headers, stretch=stretch)


def fill_rows(table: RowsTable, rows: list[tuple[int, list[str]]]) -> None:
    table.set_rows([Row(list(values), data=ident, tooltip=list(values)) for ident, values in rows])


def consultation_cells(c: ConsultationRecord, *, with_case: bool = True) -> list[str]:
    cells = [
        f"{c.received_at:%Y/%m/%d}",
        c.reference,
        c.channel_label,
        one_line(c.summary, 50),
        "、".join(n.split(" › ")[-1] for n in c.category_names),
    ]
    if with_case:
        cells.append(c.case_title)
    return cells + [followup_text(c), c.staff_name]


class _Dialog(QDialog):
    open_requested = Signal(int)  # consultation id
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None):
        super().__init__(parent)
        self.ctx = ctx
        self.setStyleSheet(STYLE_SHEET)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(18, 14, 18, 14)
        self.title = page_title(_("読み込んでいます…"))
        self.layout_.addWidget(self.title)
        self.info = plain_label()
        self.info.setObjectName("hint")
        self.info.setWordWrap(True)
        self.layout_.addWidget(self.info)
        ctx.events.data_changed.connect(self._data_changed)

    def _open_current(self, table: RowsTable) -> None:
        item = table.item(table.currentRow(), 0)
        if item is not None and item.data(ID_ROLE) is not None:
            self.open_requested.emit(item.data(ID_ROLE))

    def _data_changed(self, kind: str, _ids: list) -> None:
        if kind in (CONSULTATION_KIND, CASE_KIND) and self.isVisible():
            self.reload()

    def reload(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class OrganizationTimelineDialog(_Dialog):
    case_requested = Signal(int)

    def __init__(self, ctx: AppContext, organization_id: int, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.organization_id = organization_id
        self.records: list[ConsultationRecord] = []
        self.cases: list[CaseRecord] = []
        self.setObjectName("organizationTimeline")
        self.setWindowTitle(_("相談カルテ"))
        self.layout_.addWidget(plain_label(_("案件(続きものの相談)")))
        self.case_table = make_table([_("案件名"), _("状態"), _("開始"), _("完了")], 0)
        self.case_table.setMaximumHeight(self.case_table.verticalHeader().defaultSectionSize() * 3 + 32)
        self.layout_.addWidget(self.case_table)
        self.layout_.addWidget(plain_label(_("相談の記録(新しい順)")))
        self.table = make_table(
            [
                _("受付日"),
                _("受付番号"),
                _("方法"),
                _("相談の要旨"),
                _("分類"),
                _("案件"),
                _("フォローアップ"),
                _("担当"),
            ],
            3,
        )
        self.layout_.addWidget(self.table, 1)
        bar = QHBoxLayout()
        bar.addStretch(1)
        self.case_button = QPushButton(_("案件の経過…"))
        self.open_button = QPushButton(_("相談を開く"))
        self.close_button = QPushButton(_("閉じる"))
        for b in (self.case_button, self.open_button, self.close_button):
            b.setAutoDefault(False)
            bar.addWidget(b)
        self.layout_.addLayout(bar)
        self.table.activated.connect(lambda _i: self._open_current(self.table))
        self.open_button.clicked.connect(lambda: self._open_current(self.table))
        self.case_table.activated.connect(lambda _i: self._case())
        self.case_button.clicked.connect(self._case)
        self.close_button.clicked.connect(self.accept)
        fit_to_screen(self, 1080, 640)
        self.reload()

    def reload(self) -> None:
        actor, sv, org_id = self.ctx.require_actor(), self.ctx.services, self.organization_id

        def load(_p):
            org = sv.organizations.get(actor, org_id)
            return (
                org,
                sv.consultations.organization_timeline(actor, org_id),
                sv.consultations.cases(actor, organization_id=org_id),
            )

        self.ctx.tasks.run(load, on_done=self._show, owner=self)

    def _show(self, result) -> None:
        org, self.records, self.cases = result
        self.title.setText(_("相談カルテ — {name}").format(name=org.name))
        self.setWindowTitle(_("相談カルテ — {name}").format(name=org.name))
        first = f"{self.records[-1].received_at:%Y/%m/%d}" if self.records else "—"
        self.info.setText(
            _("{code} ・ {kind} ・ 相談 {n} 件(最初の相談 {first})・ 案件 {c} 件").format(
                code=org.code,
                kind=org.kind_label,
                n=format_number(len(self.records)),
                first=first,
                c=format_number(len(self.cases)),
            )
        )
        fill_rows(self.table, [(c.id, consultation_cells(c)) for c in self.records])
        fill_rows(
            self.case_table,
            [
                (
                    c.id,
                    [
                        c.title,
                        c.status_label,
                        f"{c.opened_on:%Y/%m/%d}",
                        f"{c.closed_on:%Y/%m/%d}" if c.closed_on else "",
                    ],
                )
                for c in self.cases
            ],
        )
        self.case_button.setEnabled(bool(self.cases))
        if self.cases:
            self.case_table.selectRow(0)
        if self.records:
            self.table.selectRow(0)
        self.table.setFocus()
        self.loaded.emit()

    def _case(self) -> None:
        item = self.case_table.item(self.case_table.currentRow(), 0)
        if item is not None:
            self.case_requested.emit(item.data(ID_ROLE))


class CaseTimelineDialog(_Dialog):
    def __init__(self, ctx: AppContext, case_id: int, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.case_id = case_id
        self.case: CaseRecord | None = None
        self.setObjectName("caseTimeline")
        self.setWindowTitle(_("案件の経過"))
        self.table = make_table(
            [_("受付日"), _("受付番号"), _("方法"), _("相談の要旨"), _("分類"), _("フォローアップ"), _("担当")], 3
        )
        self.layout_.addWidget(self.table, 1)
        bar = QHBoxLayout()
        bar.addStretch(1)
        self.status_button = QPushButton()
        self.open_button = QPushButton(_("相談を開く"))
        self.close_button = QPushButton(_("閉じる"))
        for b in (self.status_button, self.open_button, self.close_button):
            b.setAutoDefault(False)
            bar.addWidget(b)
        self.layout_.addLayout(bar)
        self.table.activated.connect(lambda _i: self._open_current(self.table))
        self.open_button.clicked.connect(lambda: self._open_current(self.table))
        self.status_button.clicked.connect(self.toggle_status)
        self.close_button.clicked.connect(self.accept)
        self.status_button.setEnabled(False)
        fit_to_screen(self, 980, 560)
        self.reload()

    def reload(self) -> None:
        actor, service, case_id = self.ctx.require_actor(), self.ctx.services.consultations, self.case_id
        self.ctx.tasks.run(lambda _p: service.case(actor, case_id), on_done=self._show, owner=self)

    def _show(self, case: CaseRecord) -> None:
        self.case = case
        self.title.setText(_("案件: {title}").format(title=case.title))
        self.setWindowTitle(_("案件の経過 — {title}").format(title=case.title))
        period = f"{case.opened_on:%Y/%m/%d}〜" + (f"{case.closed_on:%Y/%m/%d}" if case.closed_on else "")
        self.info.setText(
            _("状態: {status} ・ {period} ・ {org} ・ 相談 {n} 回").format(
                status=case.status_label,
                period=period,
                org=case.organization_name or _("団体なし"),
                n=len(case.timeline),
            )
        )
        fill_rows(self.table, [(c.id, consultation_cells(c, with_case=False)) for c in case.timeline])
        closed = case.status == CaseStatus.CLOSED.value
        self.status_button.setText(_("継続中に戻す") if closed else _("完了にする"))
        self.status_button.setEnabled(True)
        self.loaded.emit()

    def toggle_status(self) -> None:
        if self.case is None:
            return
        new = CaseStatus.OPEN.value if self.case.status == CaseStatus.CLOSED.value else CaseStatus.CLOSED.value
        actor, service, case_id = self.ctx.require_actor(), self.ctx.services.consultations, self.case_id
        seen = self.case.version  # another desk's change since this was shown is refused, not overwritten
        self.status_button.setEnabled(False)
        self.ctx.tasks.run(
            lambda _p: service.set_case_status(actor, case_id, new, expected_version=seen),
            on_done=lambda _c: self.ctx.events.emit_changed(CASE_KIND, [case_id]),
            on_error=self._status_refused,
            write=True,
            owner=self,
        )

    def _status_refused(self, exc: BaseException) -> None:
        """Another desk changed the case meanwhile (or another error): say so and show it as it is now."""
        from kyodo_desk.ui.errors import report_error

        self.last_error = report_error(self, exc, self.ctx.log_file)
        self.reload()
