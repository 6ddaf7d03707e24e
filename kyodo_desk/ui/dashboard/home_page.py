"""Home: today's date in 和暦, the plan's target for registered groups, groups by kind, and the
places where later features put what is due today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.enums import OrganizationKind
from kyodo_desk.i18n import _, format_number, wareki, wareki_fiscal_year
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.page import Card, page_title, plain_label, scaled_font

# 金沢市協働推進計画: 「協働をすすめる市民団体」の登録 50団体以上 (目標年度 2025 = 令和7年度).
REGISTRATION_TARGET = 50
TARGET_FISCAL_YEAR = 2025


class HomePage(QWidget):
    def __init__(self, ctx: AppContext, navigate: Callable[[str], object] | None = None, today: dt.date | None = None):
        super().__init__()
        self.ctx = ctx
        self.navigate = navigate
        self.today = today or dt.date.today()
        self.loaded = False

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(16)
        layout.addWidget(page_title(_("ホーム")))
        self.date_label = plain_label(
            _("今日は{wareki}({year}年{month}月{day}日)です。").format(
                wareki=wareki(self.today, weekday=True),
                year=self.today.year,
                month=self.today.month,
                day=self.today.day,
            )
        )
        self.date_label.setFont(scaled_font(self.date_label, 1.15))
        layout.addWidget(self.date_label)
        from kyodo_desk.ui.privacy.retention_card import RetentionCard

        self.retention_card = RetentionCard(ctx)  # administrators, when a retention purge is due (APPI)
        layout.addWidget(self.retention_card)

        row = QHBoxLayout()
        row.setSpacing(16)
        row.addWidget(self._target_card(), 1)
        row.addWidget(self._kinds_card(), 1)
        layout.addLayout(row)

        due = QHBoxLayout()
        due.setSpacing(16)
        from kyodo_desk.ui.consultations.followups_card import FollowupsCard

        self.followups_card = FollowupsCard(
            ctx,
            self.today,
            open_consultation=lambda cid: (
                self.navigate("consultations").open_consultation(cid) if self.navigate else None
            ),
        )
        from kyodo_desk.ui.lending.due_card import DueLoansCard

        self.loans_card = DueLoansCard(
            ctx,
            self.today,
            open_loan=lambda loan_id: self.navigate("lending").open_loan(loan_id) if self.navigate else None,
        )
        due.addWidget(self.followups_card, 1)
        due.addWidget(self.loans_card, 1)
        layout.addLayout(due)
        layout.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        ctx.events.data_changed.connect(self._data_changed)
        self.refresh()
        self._just_built = True  # the first page_shown (right after this) needs no second load

    def _target_card(self) -> Card:
        card = Card(_("「協働をすすめる市民団体」の登録数"))
        self.registered_label = plain_label("…")
        self.registered_label.setObjectName("bigNumber")
        self.registered_label.setFont(scaled_font(self.registered_label, 2.4, bold=True))
        card.body.addWidget(self.registered_label)
        target = plain_label(
            _("計画の目標: {n}団体以上({fy}・{year}年度)").format(
                n=format_number(REGISTRATION_TARGET), fy=wareki_fiscal_year(TARGET_FISCAL_YEAR), year=TARGET_FISCAL_YEAR
            )
        )
        card.body.addWidget(target)
        self.target_bar = QProgressBar()
        self.target_bar.setRange(0, REGISTRATION_TARGET)
        self.target_bar.setTextVisible(False)
        self.target_bar.setFixedHeight(10)
        card.body.addWidget(self.target_bar)
        self.target_status = plain_label()
        self.target_status.setObjectName("hint")
        card.body.addWidget(self.target_status)
        card.body.addStretch(1)
        return card

    def _kinds_card(self) -> Card:
        card = Card(_("種別ごとの団体数(活動中)"))
        self.kinds_grid = QGridLayout()
        self.kinds_grid.setHorizontalSpacing(24)
        self.kinds_grid.setVerticalSpacing(3)
        self.kind_labels: dict[str, QLabel] = {}
        for row, kind in enumerate(OrganizationKind):
            self.kinds_grid.addWidget(plain_label(kind.label()), row, 0)
            number = plain_label("…")
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.kinds_grid.addWidget(number, row, 1)
            self.kind_labels[kind.value] = number
        total_row = len(OrganizationKind)
        total_caption = plain_label(_("合計"))
        total_caption.setFont(scaled_font(total_caption, 1.0, bold=True))
        self.total_label = plain_label("…")
        self.total_label.setFont(scaled_font(self.total_label, 1.0, bold=True))
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.kinds_grid.addWidget(total_caption, total_row, 0)
        self.kinds_grid.addWidget(self.total_label, total_row, 1)
        self.kinds_grid.setColumnStretch(2, 1)
        card.body.addLayout(self.kinds_grid)
        if self.navigate is not None:
            button = QPushButton(_("団体の一覧を開く"))
            button.clicked.connect(lambda: self.navigate("groups"))
            card.body.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        return card

    # ---- data ------------------------------------------------------------------------
    def page_shown(self) -> None:
        if self._just_built:
            self._just_built = False
            return
        self.refresh()

    def _data_changed(self, kind: str, _ids: list) -> None:
        if kind == "organization":
            self.refresh()

    def refresh(self) -> None:
        self.loans_card.refresh()
        self.followups_card.refresh()
        self.retention_card.refresh()
        actor = self.ctx.require_actor()
        orgs = self.ctx.services.organizations
        self.ctx.tasks.run(
            lambda _p: (orgs.registered_count(actor), orgs.kinds_summary(actor)), on_done=self._show, owner=self
        )

    def _show(self, result: tuple[int, dict[str, int]]) -> None:
        registered, kinds = result
        self.registered_label.setText(_("{n} 団体").format(n=format_number(registered)))
        self.target_bar.setValue(min(registered, REGISTRATION_TARGET))
        if registered >= REGISTRATION_TARGET:
            self.target_status.setText(_("目標を達成しています。"))
        else:
            self.target_status.setText(
                _("目標まであと {n} 団体です。").format(n=format_number(REGISTRATION_TARGET - registered))
            )
        for kind, label in self.kind_labels.items():
            label.setText(format_number(kinds.get(kind, 0)))
        self.total_label.setText(format_number(sum(kinds.values())))
        self.loaded = True
