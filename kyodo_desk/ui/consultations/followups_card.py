"""The home page card 「フォローアップ(今日まで)」: open follow-ups due today or overdue, oldest
first, with due date, summary and assignee.  Clicking (or Enter on) a line opens the consultation;
on a referral's line (「紹介 未確認」 …) Ctrl+R or 「紹介の結果を記録…」 records what came of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QPushButton

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _, format_number
from kyodo_desk.services.consultations import ConsultationRecord
from kyodo_desk.ui.consultations.common import CONSULTATION_KIND, one_line
from kyodo_desk.ui.consultations.referral_outcome_dialog import ReferralOutcomeDialog
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.page import Card, plain_label

MAX_LINES = 12
OVERDUE = QColor("#b3261e")


def followup_line(r: ConsultationRecord, today: dt.date) -> str:
    late = (today - r.followup_due).days if r.followup_due else 0
    state = _("期限超過 {n}日").format(n=late) if late > 0 else _("今日まで")
    who = r.followup_assignee_name or _("担当未定")
    text = _("{due}({state}) {action} ・ {who}\n{summary} — {ref}").format(
        due=f"{r.followup_due:%m/%d}" if r.followup_due else "",
        state=state,
        action=r.followup_label,
        who=who,
        summary=one_line(r.summary, 40),
        ref=r.reference,
    )
    if r.referral_to:  # a third line: where the person was sent and what came of it so far
        text += "\n" + _("紹介の結果 {outcome} ・ {target}").format(
            outcome=r.referral_outcome_label,
            target=one_line(" ".join(x for x in (r.referral_label, r.referral_detail) if x), 20),
        )
    return text


class FollowupsCard(Card):
    loaded = Signal()

    def __init__(self, ctx: AppContext, today: dt.date, open_consultation: Callable[[int], object] | None = None):
        super().__init__(_("フォローアップ(今日まで)"))
        self.ctx, self.today, self.open_consultation = ctx, today, open_consultation
        self.records: list[ConsultationRecord] = []
        self.summary = plain_label("…")
        self.body.addWidget(self.summary)
        self.list = QListWidget()
        self.list.setObjectName("followupsDue")
        self.list.setWordWrap(True)
        self.list.setSpacing(1)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.body.addWidget(self.list)
        self.outcome_button = QPushButton(_("紹介の結果を記録… (Ctrl+R)"))
        self.outcome_button.setObjectName("referralOutcomeButton")
        self.outcome_button.clicked.connect(self.record_outcome)
        self.outcome_button.hide()
        self.body.addWidget(self.outcome_button)
        QShortcut(
            QKeySequence("Ctrl+R"), self.list, activated=self.record_outcome, context=Qt.ShortcutContext.WidgetShortcut
        )
        self.list.currentItemChanged.connect(lambda *_a: self._sync_outcome_button())
        self.outcome_dialog: ReferralOutcomeDialog | None = None
        self.body.addStretch(1)  # with an empty (hidden) list the summary stays under the heading
        ctx.events.data_changed.connect(lambda kind, _ids: self.refresh() if kind == CONSULTATION_KIND else None)

    def refresh(self) -> None:
        actor = self.ctx.require_actor()
        if not actor.can(Permission.CONSULTATION_VIEW):
            self.summary.setText(_("相談の記録を見る権限がありません。"))
            self.list.hide()
            return
        service, today = self.ctx.services.consultations, self.today
        self.ctx.tasks.run(lambda _p: service.followups_due(actor, today), on_done=self._show, owner=self)

    def _show(self, records: list[ConsultationRecord]) -> None:
        self.records = list(records)
        overdue = sum(1 for r in records if r.followup_due and r.followup_due < self.today)
        self.summary.setText(
            _("期限超過 {late} 件 ・ 今日まで {due} 件").format(
                late=format_number(overdue), due=format_number(len(records) - overdue)
            )
            if records
            else _("今日までのフォローアップはありません。")
        )
        self.list.clear()
        line = self.list.fontMetrics().lineSpacing()
        for r in self.records[:MAX_LINES]:
            item = QListWidgetItem(followup_line(r, self.today))
            item.setSizeHint(QSize(0, (3 if r.referral_to else 2) * line + 10))
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            if r.followup_due and r.followup_due < self.today:
                item.setForeground(OVERDUE)
            self.list.addItem(item)
        if len(self.records) > MAX_LINES:
            more = QListWidgetItem(
                _("ほか {n} 件 — 「相談受付」の一覧で「フォローアップ未完了のみ」を選ぶと全部見られます").format(
                    n=format_number(len(self.records) - MAX_LINES)
                )
            )
            more.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(more)
        shown = [
            max(self.list.item(i).sizeHint().height(), 2 * line + 10) + 2
            for i in range(min(self.list.count(), MAX_LINES // 2))
        ]
        self.list.setFixedHeight(sum(shown) + 2 * self.list.frameWidth() + 4)  # grow with the list, then scroll
        self.list.setVisible(bool(self.records))
        self.outcome_button.setVisible(any(r.referral_to for r in self.records[:MAX_LINES]))
        self._sync_outcome_button()
        self.loaded.emit()

    def lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def current_record(self) -> ConsultationRecord | None:
        item = self.list.currentItem()
        consultation_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return next((r for r in self.records if r.id == consultation_id), None)

    def _sync_outcome_button(self) -> None:
        r = self.current_record()
        self.outcome_button.setEnabled(
            r is not None and bool(r.referral_to) and self.ctx.require_actor().can(Permission.CONSULTATION_EDIT)
        )

    def record_outcome(self) -> None:
        """The dialog for the selected line's referral (nothing on a line without one)."""
        r = self.current_record()
        if r is None or not r.referral_to or not self.ctx.require_actor().can(Permission.CONSULTATION_EDIT):
            return
        self.outcome_dialog = ReferralOutcomeDialog(self.ctx, r, self.window())
        self.outcome_dialog.finished.connect(lambda _r: self.list.setFocus(Qt.FocusReason.OtherFocusReason))
        self.outcome_dialog.open()

    def _activated(self, item: QListWidgetItem) -> None:
        consultation_id = item.data(Qt.ItemDataRole.UserRole)
        if consultation_id is not None and self.open_consultation is not None:
            self.open_consultation(consultation_id)
