"""予約・カレンダー: reserve devices for an organization and a period (the availability list uses
the same rule as a scan at the desk), cancel a reservation, and see a month of loans and
reservations per device."""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.lending import DeviceKind
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.reservations import Availability, ReservationRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.lending.calendar_view import LoanCalendar
from kyodo_desk.ui.lending.common import (
    MUTED_COLOR,
    MessageLine,
    OrganizationPicker,
    Row,
    choice_combo,
    date_edit,
    make_table,
    md,
)
from kyodo_desk.ui.widgets.date_edit import date_problem
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import plain_label


class ReservationsTab(QWidget):
    availability_shown = Signal()
    reserved = Signal(object)
    calendar_shown = Signal()
    pickup_requested = Signal(object)  # ReservationRecord: hand it out at the desk

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.request_key = str(
            uuid.uuid4()
        )  # sent with the create: a retried save never stores it twice (a new one after each reservation)
        self.errors = FieldErrors()
        self.available: list[Availability] = []
        self.reservations: list[ReservationRecord] = []
        self._active_gen = self._calendar_gen = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 4, 4)
        self.inner = QTabWidget()
        layout.addWidget(self.inner)

        # ---- reserve: the form and the active reservations above, the availability list below ----
        page = QWidget()
        outer = QVBoxLayout(page)
        top = QHBoxLayout()
        box = QGroupBox(_("新しい予約"))
        form = QFormLayout(box)
        self.organization = OrganizationPicker(ctx)
        self.start = date_edit(dt.date.today() + dt.timedelta(days=7), _("開始日"))
        self.end = date_edit(dt.date.today() + dt.timedelta(days=9), _("終了日"))
        self.kind = choice_combo(DeviceKind.choices(), (_("すべての種別"), None))
        self.contact_name = QLineEdit()
        self.contact_phone = QLineEdit()
        self.purpose = QLineEdit()
        self.purpose.setPlaceholderText(_("例: 町会のオンライン会議"))
        self.errors.add_row(form, "organization_id", _("団体"), self.organization)
        self.errors.add_row(form, "start_on", _("開始日"), self.start)
        self.errors.add_row(form, "end_on", _("終了日"), self.end)
        form.addRow(_("種別"), self.kind)
        self.errors.add_row(form, "contact_name", _("連絡する人"), self.contact_name)
        self.errors.add_row(form, "contact_phone", _("連絡先"), self.contact_phone)
        self.errors.add_row(form, "purpose", _("利用目的"), self.purpose)
        self.check_button = QPushButton(_("空き状況を表示"))
        self.check_button.clicked.connect(self.show_availability)
        form.addRow("", self.check_button)
        top.addWidget(box, 1)

        right = QVBoxLayout()
        right.addWidget(plain_label(_("受付中の予約")))
        self.active = make_table([_("期間"), _("団体"), _("機器"), _("連絡先"), _("利用目的")], stretch=4)
        self.active.setObjectName("activeReservations")
        right.addWidget(self.active, 1)
        self.pickup_button = QPushButton(_("受け取りに来た(貸出の画面へ)"))
        self.pickup_button.setToolTip(_("団体と機器を貸出の画面に入れます。確定すると予約は貸出に変わります。"))
        self.pickup_button.clicked.connect(self.pick_up_selected)
        self.cancel_button = QPushButton(_("選んだ予約を取り消す"))
        self.cancel_button.clicked.connect(self.cancel_selected)
        res_buttons = QHBoxLayout()
        res_buttons.addWidget(self.pickup_button)
        res_buttons.addStretch(1)
        res_buttons.addWidget(self.cancel_button)
        right.addLayout(res_buttons)
        top.addLayout(right, 1)
        outer.addLayout(top)

        self.table = make_table([_("予約"), _("管理番号"), _("機器"), _("空き状況")], stretch=3)
        self.table.setObjectName("availabilityTable")
        outer.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.message = MessageLine()
        self.message.setObjectName("reserveMessage")
        bottom.addWidget(self.message, 1)
        self.reserve_button = QPushButton(_("チェックした機器を予約する"))
        self.reserve_button.setObjectName("reserveButton")
        self.reserve_button.clicked.connect(self.reserve)
        bottom.addWidget(self.reserve_button)
        outer.addLayout(bottom)
        self.inner.addTab(page, _("予約"))

        # ---- calendar ----
        cal_page = QWidget()
        cal_layout = QVBoxLayout(cal_page)
        row = QHBoxLayout()
        self.month = QComboBox()
        self.month.setObjectName("calendarMonth")
        first = dt.date.today().replace(day=1)
        for k in range(-6, 7):
            y, m = divmod(first.month - 1 + k, 12)
            day = dt.date(first.year + y, m + 1, 1)
            self.month.addItem(_("{y}年{m}月").format(y=day.year, m=day.month), day.isoformat())
        self.month.setCurrentIndex(6)
        self.month.currentIndexChanged.connect(lambda _i: self.load_calendar())
        row.addWidget(plain_label(_("月")))
        row.addWidget(self.month)
        for text, color in ((_("貸出(返却まで)"), "#1f5f99"), (_("予約"), "#e08a1e")):
            chip = plain_label(text)
            chip.setStyleSheet(f"background: {color}; color: white; border-radius: 4px; padding: 2px 8px;")
            row.addWidget(chip)
        legend = plain_label(_("黄色の列 = 今日 ・ 灰色 = 土日・休館日 ・ 棒にマウスを重ねると詳しく出ます"))
        legend.setObjectName("hint")
        row.addWidget(legend)
        row.addStretch(1)
        cal_layout.addLayout(row)
        self.calendar = LoanCalendar()
        scroll = QScrollArea()
        scroll.setWidget(self.calendar)
        scroll.setWidgetResizable(False)
        cal_layout.addWidget(scroll, 1)
        self.inner.addTab(cal_page, _("カレンダー"))
        self.inner.currentChanged.connect(lambda i: self.load_calendar() if i == 1 else None)
        ctx.events.data_changed.connect(self._data_changed)
        self.load_active()

    def tab_shown(self) -> None:
        self.load_active()
        if self.inner.currentIndex() == 1:
            self.load_calendar()

    def _data_changed(self, kind: str, _ids: list) -> None:
        if kind in ("reservation", "loan", "device"):
            self.load_active()
            if self.inner.currentIndex() == 1:
                self.load_calendar()

    # ---- availability and reserving ----------------------------------------------------------
    def period(self) -> tuple[dt.date, dt.date]:
        return self.start.date().toPython(), self.end.date().toPython()

    def show_availability(self) -> None:
        start, end = self.period()
        org_id, kind = self.organization.organization_id(), self.kind.currentData()
        actor, reservations = self.ctx.require_actor(), self.ctx.services.reservations
        self.ctx.tasks.run(
            lambda _p: reservations.availability(actor, start, end, org_id, kind=kind),
            on_done=self._show_availability,
            owner=self,
        )

    def _show_availability(self, rows: list[Availability]) -> None:
        self.available = rows
        self.table.set_rows(
            [
                Row(
                    ["", a.device.asset_tag, a.device.name, _("空き") if a.available else a.reason],
                    data=a.device.id,
                    color=None if a.available else MUTED_COLOR,
                    tooltip=f"{a.device.name}\n{a.reason or _('空き')}",
                    checkable=a.available,
                )
                for a in rows
            ]
        )
        free = sum(1 for a in rows if a.available)
        self.message.show_message(_("この期間に予約できる機器: {n} 台").format(n=free), "info")
        self.availability_shown.emit()

    def tick(self, tag: str, on: bool = True) -> bool:
        for r, a in enumerate(self.available):
            if a.device.asset_tag == tag and a.available:
                self.table.item(r, 0).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                return True
        return False

    def ticked_ids(self) -> list[int]:
        ticked = self.table.rows_model.checked
        return [a.device.id for r, a in enumerate(self.available) if r in ticked]

    def reserve(self) -> None:
        if date_problem(self) is not None:  # a date that cannot be read: its field says why and keeps it
            return
        org_id = self.organization.organization_id()
        if org_id is None:
            self.errors.show({"organization_id": _("「予約する団体」を選んでください。")})
            return
        start, end = self.period()
        ids = self.ticked_ids()
        args = dict(
            purpose=self.purpose.text(), contact_name=self.contact_name.text(), contact_phone=self.contact_phone.text()
        )
        actor, reservations, key = self.ctx.require_actor(), self.ctx.services.reservations, self.request_key
        self.errors.clear()
        self.reserve_button.setEnabled(False)
        self.ctx.tasks.run(
            lambda _p: reservations.create(actor, org_id, start, end, ids, **args, request_key=key),
            on_done=self._reserved,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def _reserved(self, record: ReservationRecord) -> None:
        self.reserve_button.setEnabled(True)
        self.request_key = str(uuid.uuid4())  # the next reservation is a new one
        self.message.show_message(
            _("{org} の予約を受け付けました({s}〜{e}、{tags})。").format(
                org=record.organization_name,
                s=md(record.start_on),
                e=md(record.end_on),
                tags="、".join(record.device_tags),
            ),
            "ok",
        )
        self.ctx.events.emit_changed("reservation", [record.id])
        self.reserved.emit(record)
        self.show_availability()

    def _failed(self, exc: BaseException) -> None:
        self.reserve_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.errors.show(exc.errors)
            self.message.show_message(
                "\n".join(self.errors.unknown(exc.errors)) or _("入力を確認してください。"), "error"
            )
        elif isinstance(exc, ServiceError):
            self.message.show_message(str(exc), "error")
        else:
            report_error(self, exc, self.ctx.log_file)

    # ---- active reservations -------------------------------------------------------------------
    def load_active(self) -> None:
        self._active_gen += 1
        gen, actor, reservations = self._active_gen, self.ctx.require_actor(), self.ctx.services.reservations
        self.ctx.tasks.run(
            lambda _p: reservations.active(actor), on_done=lambda rows: self._show_active(gen, rows), owner=self
        )

    def _show_active(self, gen: int, rows: list[ReservationRecord]) -> None:
        if gen != self._active_gen:  # an older answer arriving late
            return
        self.reservations = rows
        self.active.set_rows(
            [
                Row(
                    [
                        f"{md(res.start_on)}〜{md(res.end_on)}",
                        res.organization_name,
                        "、".join(res.device_tags),
                        " ".join(x for x in (res.contact_name, res.contact_phone) if x),
                        res.purpose,
                    ],
                    data=res.id,
                )
                for res in rows
            ]
        )

    def pick_up_selected(self) -> None:
        row = self.active.currentRow()
        if 0 <= row < len(self.reservations):
            self.pickup_requested.emit(self.reservations[row])

    def cancel_selected(self) -> None:
        row = self.active.currentRow()
        if not 0 <= row < len(self.reservations):
            return
        res = self.reservations[row]
        actor, reservations = self.ctx.require_actor(), self.ctx.services.reservations

        def done(_r):
            self.message.show_message(
                _("{org} の予約({s}〜{e})を取り消しました。").format(
                    org=res.organization_name, s=md(res.start_on), e=md(res.end_on)
                ),
                "ok",
            )
            self.ctx.events.emit_changed("reservation", [res.id])

        self.ctx.tasks.run(lambda _p: reservations.cancel(actor, res.id), on_done=done, write=True, owner=self)

    # ---- calendar ---------------------------------------------------------------------------------
    def load_calendar(self) -> None:
        first = dt.date.fromisoformat(self.month.currentData() or dt.date.today().replace(day=1).isoformat())
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        actor, sv = self.ctx.require_actor(), self.ctx.services

        def load(_p):
            closed = {c.day for c in sv.calendar.closed_days(first, last)}
            return sv.inventory.all_tags(actor), sv.reservations.calendar(actor, first, last), closed

        self._calendar_gen += 1
        gen = self._calendar_gen
        self.ctx.tasks.run(load, on_done=lambda r: self._show_calendar(gen, first, *r), owner=self)

    def _show_calendar(self, gen: int, first: dt.date, tags, entries, closed) -> None:
        if gen != self._calendar_gen:  # the user chose another month meanwhile
            return
        self.calendar.set_month(first, tags, entries, closed)
        self.calendar_shown.emit()
