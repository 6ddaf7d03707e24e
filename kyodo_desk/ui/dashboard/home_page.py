"""Home: today's date in 和暦, the city plan's targets for the period in force (cards with the
trend as charts), 「今日の窓口」 (follow-ups, returns, visits, reservations, registrations to renew —
each opening its record), the fiscal year's activity per month, and groups by kind.

Every figure is loaded on the task runner; the page is built empty and fills in as answers come."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.enums import OrganizationKind
from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _, format_number, wareki
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dashboard import today_lists
from kyodo_desk.ui.dashboard.activity_card import ActivityCard
from kyodo_desk.ui.dashboard.kpi_cards import PlanTargets
from kyodo_desk.ui.widgets.page import Card, page_title, plain_label, scaled_font

OpenRecord = Callable[[str, int], object]
REFRESH_AFTER_S = 60  # page_shown reloads everything only when the last load is older than this


def section_title(text: str) -> QLabel:
    label = plain_label(text)
    label.setObjectName("cardTitle")
    label.setFont(scaled_font(label, 1.2, bold=True))
    return label


class HomePage(QWidget):
    def __init__(
        self,
        ctx: AppContext,
        navigate: Callable[[str], object] | None = None,
        today: dt.date | None = None,
        open_record: OpenRecord | None = None,
    ):
        super().__init__()
        self.ctx = ctx
        self.navigate = navigate
        self.open_record = open_record
        self.today = today or dt.date.today()
        self.loaded = False

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(28, 20, 28, 24)
        layout.setSpacing(14)
        head = QHBoxLayout()
        head.addWidget(page_title(_("ホーム")))
        head.addSpacing(24)
        self.date_label = plain_label(
            _("今日は{wareki}({year}年{month}月{day}日)です。").format(
                wareki=wareki(self.today, weekday=True),
                year=self.today.year,
                month=self.today.month,
                day=self.today.day,
            )
        )
        self.date_label.setFont(scaled_font(self.date_label, 1.15))
        head.addWidget(self.date_label)
        head.addStretch(1)
        layout.addLayout(head)
        from kyodo_desk.ui.privacy.retention_card import RetentionCard

        self.retention_card = RetentionCard(ctx)  # administrators, when a retention purge is due (APPI)
        layout.addWidget(self.retention_card)

        self.plan = PlanTargets()
        layout.addWidget(self.plan)

        layout.addWidget(section_title(_("今日の窓口")))
        layout.addLayout(self._today_grid())

        row = QHBoxLayout()
        row.setSpacing(16)
        self.activity_card = ActivityCard(ctx, fiscal_year_of(self.today), self.today)
        row.addWidget(self.activity_card, 2)
        row.addWidget(self._kinds_card(), 1)
        layout.addLayout(row)
        layout.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        ctx.events.data_changed.connect(self._data_changed)
        # Babel's number formats (first format_number: ~25 ms of imports and locale data) are loaded
        # on a worker while the first answers are on their way, not on the GUI thread when they land
        ctx.tasks.run(lambda _p: format_number(0), owner=self)
        self.refresh()
        self._just_built = True  # the first page_shown (right after this) needs no second load

    # ---- 今日の窓口 ------------------------------------------------------------------------
    def _today_grid(self) -> QGridLayout:
        from kyodo_desk.ui.consultations.followups_card import FollowupsCard
        from kyodo_desk.ui.lending.due_card import DueLoansCard

        ctx, today = self.ctx, self.today
        self.followups_card = FollowupsCard(
            ctx, today, open_consultation=lambda cid: self._open("consultations", "consultation", cid)
        )
        self.loans_card = DueLoansCard(ctx, today, open_loan=lambda loan_id: self._open("lending", "loan", loan_id))
        self.visits_card = today_lists.visits_card(
            ctx, today, lambda v: self._open("dispatch", "dispatch", v.application_id)
        )
        self.reservations_card = today_lists.reservations_card(ctx, today, self._hand_out)
        self.renewals_card = today_lists.renewals_card(
            ctx, today, lambda r: self._open("groups", "organization", r.organization_id)
        )
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(16)
        cards: Sequence[QWidget] = (
            self.followups_card,
            self.loans_card,
            self.visits_card,
            self.reservations_card,
            self.renewals_card,
        )
        for i, card in enumerate(cards):
            grid.addWidget(card, i // 3, i % 3)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        return grid

    def today_cards(self) -> list[QWidget]:
        return [self.followups_card, self.loans_card, self.visits_card, self.reservations_card, self.renewals_card]

    def _open(self, page: str, kind: str, ref_id: int) -> None:
        if self.open_record is not None:
            self.open_record(kind, ref_id)
        elif self.navigate is not None:  # a page's own opener (tests build the home page alone)
            target = self.navigate(page)
            opener = getattr(target, f"open_{kind}", None)
            if opener is not None:
                opener(ref_id)

    def _hand_out(self, reservation) -> None:
        """A reserved group is here: the lending desk gets the group, its contact and the devices."""
        if self.navigate is not None:
            page = self.navigate("lending")
            if hasattr(page, "pick_up"):
                page.pick_up(reservation)

    # ---- groups by kind --------------------------------------------------------------------
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
            button.clicked.connect(lambda: self.navigate("groups") if self.navigate else None)
            card.body.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        card.body.addStretch(1)
        return card

    # ---- data ------------------------------------------------------------------------
    def page_shown(self) -> None:
        """Coming back to ホーム reloads it when the last load is older than REFRESH_AFTER_S: every
        change made here or at another desk already refreshes the card it concerns (data_changed),
        so a desk hopping between pages does not re-run nine queries each time."""
        if self._just_built:
            self._just_built = False
            return
        if time.monotonic() - self._loaded_at >= REFRESH_AFTER_S:
            self.refresh()

    def _data_changed(self, kind: str, _ids: list) -> None:
        if kind in ("organization", "registration", "project", "plan", "survey"):
            self._load_plan_and_kinds()

    def refresh(self) -> None:
        self._loaded_at = time.monotonic()
        self.retention_card.refresh()
        for card in self.today_cards():
            card.refresh()
        self.activity_card.refresh()
        self._load_plan_and_kinds()

    def _load_plan_and_kinds(self) -> None:
        actor = self.ctx.require_actor()
        services, today = self.ctx.services, self.today  # each service is made (imported) on the worker

        def plan(_p):
            service = getattr(services, "plan", None)
            return service.kpis(actor, today) if service is not None else None

        self.ctx.tasks.run(plan, on_done=self._show_plan, owner=self)
        if actor.can(Permission.ORGANIZATION_VIEW):
            self.ctx.tasks.run(
                lambda _p: services.organizations.kinds_summary(actor), on_done=self._show_kinds, owner=self
            )

    def _show_plan(self, plan) -> None:
        self.plan.show_plan(plan)
        self.loaded = True

    def _show_kinds(self, kinds: dict[str, int]) -> None:
        for kind, label in self.kind_labels.items():
            label.setText(format_number(kinds.get(kind, 0)))
        self.total_label.setText(format_number(sum(kinds.values())))
