"""Scheduling one visit (派遣の回): suggested free slots, a manual advisor + date/time, and the
quotas shown while choosing.  A booking that breaks a rule lists every problem; it can still be
made with a reason (required), which the service records in the audit log.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QTime, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.dispatch import DispatchType, Field
from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.i18n import N_, _, wareki_fiscal_year
from kyodo_desk.services.advisors import AdvisorRecord, windows_on
from kyodo_desk.services.dispatch import ApplicationRecord, BookingConflict, QuotaStatus, SessionRecord, Suggestion
from kyodo_desk.ui.consultations.common import confirm_box
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch.common import (
    banner,
    cell,
    date_edit,
    error_label,
    qtime,
    show_text,
    table,
    time_edit,
    weekday_name,
    when_text,
)
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.date_edit import date_problem
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.screen import fit_to_screen

# an amber note (not an error): the center is closed that day, the visit is elsewhere
NOTE_STYLE = "background: #fff4d6; border: 1px solid #e0b44a; border-radius: 6px; padding: 6px 8px; color: #5a4100;"
DURATIONS = [(60, N_("1時間")), (90, N_("1時間30分")), (120, N_("2時間")), (150, N_("2時間30分")), (180, N_("3時間"))]


def quota_text(what: str, q: QuotaStatus) -> str:
    text = _("{what}: {used}回 / 上限{limit}回(残り{left}回)").format(
        what=what, used=q.used, limit=q.limit, left=q.remaining
    )
    return text + (_(" — 上限に達しています") if q.remaining == 0 else "")


class ScheduleDialog(QDialog):
    booked = Signal(object)  # SessionRecord

    def __init__(self, ctx: AppContext, app: ApplicationRecord, session: SessionRecord, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.app, self.session = ctx, app, session
        self.advisors: list[AdvisorRecord] = []
        self.suggestions: list[Suggestion] = []
        self.org_quota: QuotaStatus | None = None
        self.advisor_quota: QuotaStatus | None = None
        self.problems: list[str] = []
        self.saving = False
        self._seq = 0
        self._times_touched = False  # the desk typed a day or time: no more automatic fitting
        self._dirty = False  # something was entered: Escape asks before throwing it away
        self.setObjectName("scheduleDialog")
        self.setStyleSheet(STYLE_SHEET)
        self.setWindowTitle(_("日程を決める {ref} 第{n}回").format(ref=app.reference, n=session.number))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_title(_("第{n}回の日程を決める").format(n=session.number)))
        summary = plain_label(
            _("{ref} {org} 「{topic}」 — {type}・{field}").format(
                ref=app.reference,
                org=app.organization_name,
                topic=app.topic,
                type=DispatchType(app.dispatch_type).label(),
                field=Field(app.field).label(),
            )
        )
        summary.setWordWrap(True)
        layout.addWidget(summary)
        preferred = "、".join(when_text(a, b) for a, b in app.preferred) or _("なし")
        pref = plain_label(_("希望日時: {p}").format(p=preferred))
        pref.setObjectName("hint")
        pref.setWordWrap(True)
        layout.addWidget(pref)

        quotas = QGroupBox(_("残りの回数(選んでいる日時で計算)"))
        qcol = QVBoxLayout(quotas)
        self.org_quota_label = plain_label(_("読み込み中…"))
        self.advisor_quota_label = plain_label("")
        qcol.addWidget(self.org_quota_label)
        qcol.addWidget(self.advisor_quota_label)
        layout.addWidget(quotas)

        columns = QHBoxLayout()
        columns.setSpacing(16)
        sugg_box = QGroupBox(_("空いている候補(希望日時の中から)"))
        scol = QVBoxLayout(sugg_box)
        drow = QHBoxLayout()
        drow.addWidget(plain_label(_("所要時間")))
        self.duration = QComboBox()
        for minutes, label in DURATIONS:
            self.duration.addItem(_(label), minutes)
        self.duration.setCurrentIndex(2)
        drow.addWidget(self.duration)
        drow.addStretch(1)
        scol.addLayout(drow)
        self.suggestion_table = table([_("日時"), _("アドバイザー"), _("その月の派遣")], stretch=1)
        self.suggestion_table.setColumnWidth(0, 230)
        self.suggestion_table.activated.connect(lambda index: self.use_suggestion(index.row()))
        self.suggestion_table.cellDoubleClicked.connect(lambda row, _c: self.use_suggestion(row))
        scol.addWidget(self.suggestion_table, 1)
        self.suggestion_hint = plain_label(_("候補を探しています…"))
        self.suggestion_hint.setObjectName("hint")
        self.suggestion_hint.setWordWrap(True)
        scol.addWidget(self.suggestion_hint)
        columns.addWidget(sugg_box, 3)

        manual_box = QGroupBox(_("アドバイザーと日時"))
        form = QFormLayout(manual_box)
        self.advisor = QComboBox()
        self.advisor.setMinimumContentsLength(16)
        self.day = date_edit(self._initial_day(), _("日付"))
        start, end = self._initial_times()
        self.start = time_edit(start, _("開始時刻"))
        self.end = time_edit(end, _("終了時刻"))
        times = QHBoxLayout()
        times.addWidget(self.start)
        times.addWidget(plain_label("〜"))
        times.addWidget(self.end)
        times.addStretch(1)
        form.addRow(_("アドバイザー"), self.advisor)
        form.addRow(_("日付"), self.day)
        form.addRow(_("時間"), times)
        self.windows_label = plain_label()
        self.windows_label.setObjectName("hint")
        self.windows_label.setWordWrap(True)
        form.addRow(_("対応できる時間帯"), self.windows_label)
        self.day_load_label = plain_label()
        self.day_load_label.setObjectName("hint")
        self.day_load_label.setWordWrap(True)
        form.addRow(_("この日のほかの派遣"), self.day_load_label)
        # the center's closed days: a visit elsewhere may still be booked then, and this says so
        self.day_note = plain_label()
        self.day_note.setObjectName("closedDayNote")
        self.day_note.setWordWrap(True)
        self.day_note.setStyleSheet(NOTE_STYLE)
        self.day_note.hide()
        form.addRow(self.day_note)
        columns.addWidget(manual_box, 2)
        layout.addLayout(columns, 1)

        self.problem_banner = banner()
        layout.addWidget(self.problem_banner)
        self.override_row = QWidget()
        orow = QFormLayout(self.override_row)
        orow.setContentsMargins(0, 0, 0, 0)
        self.override_reason = QLineEdit()
        self.override_reason.setMaxLength(300)
        self.override_reason.setPlaceholderText(_("例: 団体とアドバイザーの双方が了承済み"))
        self.override_error = error_label()
        col = QVBoxLayout()
        col.addWidget(self.override_reason)
        col.addWidget(self.override_error)
        orow.addRow(_("上書きの理由(必須)"), col)
        self.override_row.hide()
        layout.addWidget(self.override_row)

        self.buttons = QDialogButtonBox()
        self.book_button = self.buttons.addButton(_("予約する (Ctrl+S)"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(_("キャンセル"), QDialogButtonBox.ButtonRole.RejectRole)
        for b in (self.book_button, self.cancel_button):
            b.setAutoDefault(False)
        self.book_button.clicked.connect(self.book)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.book)

        self.advisor.currentIndexChanged.connect(lambda _i: self._choice_changed())
        self.advisor.activated.connect(lambda _i: self._mark_dirty())
        for w in (self.day, self.start, self.end):
            w.edited.connect(self._mark_touched)
        self.override_reason.textEdited.connect(lambda _t: self._mark_dirty())
        self.day.dateChanged.connect(lambda _d: self._choice_changed())
        self.start.timeChanged.connect(self._start_moved)
        self.end.timeChanged.connect(lambda _t: self._forget_problems())
        self.duration.currentIndexChanged.connect(lambda _i: self.load_suggestions())
        fit_to_screen(self, 1080, 640)
        self._load()

    # ---- initial values ------------------------------------------------------------------
    def _initial_day(self) -> dt.date:
        if self.session.start_at:
            return self.session.start_at.date()
        if self.app.preferred:
            return self.app.preferred[0][0].date()
        return dt.date.today() + dt.timedelta(days=14)

    def _initial_times(self) -> tuple[dt.time, dt.time]:
        if self.session.start_at and self.session.end_at:
            return self.session.start_at.time(), self.session.end_at.time()
        if self.app.preferred:
            start = self.app.preferred[0][0]
            return start.time(), (start + dt.timedelta(hours=2)).time()
        return dt.time(13, 0), dt.time(15, 0)

    def _mark_dirty(self) -> None:
        self._dirty = True

    def _mark_touched(self) -> None:
        self._dirty = self._times_touched = True

    def _fit_to_advisor(self, advisor: AdvisorRecord | None) -> None:
        """Before the desk types a time: move the proposed time inside the advisor's hours that day.

        The wished time (or 13:00) is kept when it fits; else the window that holds the wished start
        (ending at the window's end if the length does not fit), else the day's first window.  With
        no wished day, the proposed day (two weeks ahead) moves to the advisor's next day with hours;
        a wished day is kept (the hours shown say the advisor is not available then)."""
        if advisor is None or self._times_touched or self.session.start_at is not None:
            return
        day, start, end = self.day.value(), self.start.value(), self.end.value()
        windows = windows_on(advisor, day)
        if not windows and not self.app.preferred:  # no wished day: the advisor's next day with hours
            later = next(
                (day + dt.timedelta(days=n) for n in range(1, 61) if windows_on(advisor, day + dt.timedelta(days=n))),
                None,
            )
            if later is not None:
                day, windows = later, windows_on(advisor, later)
                self.day.blockSignals(True)
                self.day.setValue(day)
                self.day.blockSignals(False)
        if not windows or any(a <= start and end <= b for a, b in windows):
            return
        length = dt.timedelta(minutes=self.duration.currentData() or 120)
        a, b = next(((a, b) for a, b in windows if a <= start < b), windows[0])
        first, last = dt.datetime.combine(day, a), dt.datetime.combine(day, b)
        new_start = dt.datetime.combine(day, start) if a <= start < b else first
        if new_start + length > last:
            new_start = max(first, last - length)
        new_end = min(new_start + length, last)
        for w in (self.start, self.end):
            w.blockSignals(True)
        self.start.setValue(new_start.time())
        self.end.setValue(new_end.time())
        for w in (self.start, self.end):
            w.blockSignals(False)

    # ---- loading ------------------------------------------------------------------------
    def _load(self) -> None:
        actor, advisors = self.ctx.require_actor(), self.ctx.services.advisors
        self.ctx.tasks.run(lambda _p: advisors.list(actor), on_done=self._got_advisors, owner=self)
        self.load_suggestions()

    def _got_advisors(self, rows: list[AdvisorRecord]) -> None:
        app = self.app
        fits = [a for a in rows if app.field in a.fields and app.dispatch_type in a.dispatch_types]
        others = [a for a in rows if a not in fits]
        self.advisors = fits + others
        self.advisor.blockSignals(True)
        self.advisor.clear()
        self.advisor.addItem(_("(選んでください)"), None)
        for a in fits:
            self.advisor.addItem(_("{name}(分野が合う)").format(name=a.name), a.id)
        for a in others:
            self.advisor.addItem(_("{name}(分野: {f})").format(name=a.name, f=a.fields_label or _("なし")), a.id)
        chosen = self.session.advisor_id
        index = self.advisor.findData(chosen) if chosen else (1 if fits else 0)
        self.advisor.setCurrentIndex(max(0, index))
        self.advisor.blockSignals(False)
        self._choice_changed()

    def load_suggestions(self) -> None:
        minutes = self.duration.currentData()
        actor, dispatch, app_id = self.ctx.require_actor(), self.ctx.services.dispatch, self.app.id
        self.suggestion_hint.setText(_("候補を探しています…"))
        self.ctx.tasks.run(
            lambda _p: dispatch.suggest(actor, app_id, duration=dt.timedelta(minutes=minutes)),
            on_done=self._got_suggestions,
            owner=self,
        )

    def _got_suggestions(self, rows: list[Suggestion]) -> None:
        self.suggestions = rows
        t = self.suggestion_table
        t.setRowCount(len(rows))
        for r, s in enumerate(rows):
            t.setItem(r, 0, cell(when_text(s.start, s.end), s))
            t.setItem(r, 1, cell(s.advisor_name))
            t.setItem(r, 2, cell(_("{n}回").format(n=s.advisor_month_used), align_right=True))
        if rows:
            self.suggestion_hint.setText(_("Enter またはダブルクリックで、その候補を右の欄に入れます。"))
        elif not self.app.preferred:
            self.suggestion_hint.setText(
                _("希望日時が登録されていないので候補は出せません。右の欄で日時を決めてください。")
            )
        else:
            self.suggestion_hint.setText(
                _("希望日時の中に、分野が合うアドバイザーの空きが見つかりませんでした。右の欄で日時を決めてください。")
            )

    def use_suggestion(self, row: int) -> None:
        if not 0 <= row < len(self.suggestions):
            return
        s = self.suggestions[row]
        self.select(s.advisor_id, s.start, s.end)
        self._mark_touched()
        self.book_button.setFocus()

    def select(self, advisor_id: int, start: dt.datetime, end: dt.datetime) -> None:
        """Put an advisor and a time in the manual fields (what a suggestion does)."""
        for w in (self.advisor, self.day, self.start, self.end):
            w.blockSignals(True)
        self.advisor.setCurrentIndex(max(0, self.advisor.findData(advisor_id)))
        self.day.setDate(QDate(start.year, start.month, start.day))
        self.start.setTime(QTime(start.hour, start.minute))
        self.end.setTime(QTime(end.hour, end.minute))
        for w in (self.advisor, self.day, self.start, self.end):
            w.blockSignals(False)
        self._choice_changed()

    # ---- while choosing ---------------------------------------------------------------------
    def chosen(self) -> tuple[int | None, dt.datetime, dt.datetime]:
        day = self.day.date().toPython()
        return (
            self.advisor.currentData(),
            dt.datetime.combine(day, qtime(self.start.time())),
            dt.datetime.combine(day, qtime(self.end.time())),
        )

    def _start_moved(self, _t) -> None:
        """Keep the length when the start moves (the end follows)."""
        minutes = self.duration.currentData() or 120
        new_end = (
            dt.datetime.combine(dt.date.today(), qtime(self.start.time())) + dt.timedelta(minutes=minutes)
        ).time()
        if new_end > qtime(self.start.time()):
            self.end.blockSignals(True)
            self.end.setTime(QTime(new_end.hour, new_end.minute))
            self.end.blockSignals(False)
        self._forget_problems()

    def _choice_changed(self) -> None:
        self._forget_problems()
        self._seq += 1
        seq = self._seq
        self._fit_to_advisor(next((a for a in self.advisors if a.id == self.advisor.currentData()), None))
        advisor_id, start, _end = self.chosen()
        day = start.date()
        fy = fiscal_year_of(day)
        advisor = next((a for a in self.advisors if a.id == advisor_id), None)
        if advisor is not None:
            windows = "、".join(
                f"{weekday_name(w.weekday)} {w.start:%H:%M}〜{w.end:%H:%M}" for w in advisor.windows
            ) or _("登録なし")
            today = "、".join(f"{a:%H:%M}〜{b:%H:%M}" for a, b in windows_on(advisor, day)) or _("なし")
            self.windows_label.setText(_("毎週: {w}\nこの日: {d}").format(w=windows, d=today))
        else:
            self.windows_label.setText("")
        actor, dispatch, org_id = self.ctx.require_actor(), self.ctx.services.dispatch, self.app.organization_id
        venue = self.app.venue

        def fetch(_p):
            org = dispatch.organization_quota(actor, org_id, fy)
            note = dispatch.closed_day_note(venue, day)
            if advisor_id is None:
                return org, None, [], note
            return (
                org,
                dispatch.advisor_quota(actor, advisor_id, day),
                dispatch.calendar(actor, day, day, advisor_id=advisor_id),
                note,
            )

        self.ctx.tasks.run(fetch, on_done=lambda result: self._got_quotas(seq, fy, day, advisor, result), owner=self)

    def _got_quotas(self, seq: int, fy: int, day: dt.date, advisor: AdvisorRecord | None, result) -> None:
        if seq != self._seq:
            return
        self.org_quota, self.advisor_quota, same_day, note = result
        show_text(self.day_note, note)
        self.org_quota_label.setText(
            quota_text(_("この団体の{fy}の派遣").format(fy=wareki_fiscal_year(fy)), self.org_quota)
        )
        if advisor is None or self.advisor_quota is None:
            self.advisor_quota_label.setText(_("アドバイザーを選ぶと、その月の派遣回数が出ます。"))
            self.day_load_label.setText("")
            return
        self.advisor_quota_label.setText(
            quota_text(
                _("{name} さんの{y}年{m}月の派遣").format(name=advisor.name, y=day.year, m=day.month),
                self.advisor_quota,
            )
        )
        others = [f"{s.start_at:%H:%M}〜{s.end_at:%H:%M} {a.reference}" for s, a in same_day if s.id != self.session.id]
        self.day_load_label.setText("、".join(others) or _("なし"))

    # ---- booking ----------------------------------------------------------------------------
    def _forget_problems(self) -> None:
        """A different choice: the problems shown were about the old one."""
        if self.problems:
            self.problems = []
            show_text(self.problem_banner, "")
            self.override_row.hide()
            show_text(self.override_error, "")
            self.book_button.setText(_("予約する (Ctrl+S)"))

    def book(self) -> None:
        if self.saving:
            return
        problem = date_problem(self)
        if problem is not None:  # the field shows the message and keeps what was typed
            show_text(self.problem_banner, problem)
            return
        advisor_id, start, end = self.chosen()
        if advisor_id is None:
            show_text(self.problem_banner, _("アドバイザーを選んでください。"))
            self.advisor.setFocus()
            return
        if end <= start:
            show_text(self.problem_banner, _("終了時刻は開始時刻より後にしてください。"))
            self.end.setFocus()
            return
        reason = ""
        if self.problems:
            reason = self.override_reason.text().strip()
            if not reason:
                show_text(self.override_error, _("上書きして予約するには「上書きの理由」を入力してください。"))
                self.override_reason.setFocus()
                return
        self.saving = True
        self.book_button.setEnabled(False)
        actor, dispatch, sid = self.ctx.require_actor(), self.ctx.services.dispatch, self.session.id
        seen = self.session.version  # another desk's booking since this was shown is refused, not replaced
        self.ctx.tasks.run(
            lambda _p: dispatch.book(actor, sid, advisor_id, start, end, override_reason=reason, expected_version=seen),
            on_done=self._booked,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def reject(self) -> None:
        """Escape or キャンセル: ask first when something was entered (it would be lost)."""
        if self.saving:
            return
        if not self._dirty:
            super().reject()
            return
        box = confirm_box(
            self, _("入力した日程を破棄して閉じますか?"), _("破棄して閉じる"), _("入力に戻る"), _("日程を決める")
        )
        box.setObjectName("discardScheduleQuestion")
        box.finished.connect(lambda _r: self._discard_answered(box))
        self.discard_question = box
        box.open()

    def _discard_answered(self, box: QMessageBox) -> None:
        if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
            self._dirty = False
            super().reject()

    def _booked(self, record: SessionRecord) -> None:
        self.saving = False
        self.book_button.setEnabled(True)
        self.record = record
        self.ctx.events.emit_changed("dispatch", [self.app.id])
        self.booked.emit(record)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.book_button.setEnabled(True)
        if isinstance(exc, BookingConflict):
            self.problems = list(exc.problems)
            lines = [_("この日時では次の問題があります:")] + [f"・{p}" for p in self.problems]
            lines.append(_("別の日時を選ぶか、やむを得ない場合は理由を入力して上書きしてください(記録に残ります)。"))
            show_text(self.problem_banner, "\n".join(lines))
            self.override_row.show()
            show_text(self.override_error, "")
            self.book_button.setText(_("理由を付けて上書き予約 (Ctrl+S)"))
            self.override_reason.setFocus()
        else:
            report_error(self, exc, self.ctx.log_file)
