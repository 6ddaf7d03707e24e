"""Shared set-up for the dispatch screen tests (no tests here): an advisor who works Saturday
afternoons and Tuesday evenings, two organizations, applications preferring an ordinary future Saturday."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest

from kyodo_desk.services.advisors import AdvisorInput, Window
from kyodo_desk.services.dispatch import ApplicationInput
from kyodo_desk.services.organizations import OrganizationInput

T = dt.time


def ordinary_saturday(after: dt.date) -> dt.date:
    day = after + dt.timedelta(days=(5 - after.weekday()) % 7 or 7)
    while day in holidays.Japan(years=day.year) or day.month in (12, 1):  # keep clear of 年末年始
        day += dt.timedelta(days=7)
    return day


def at(day: dt.date, h: int, m: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, T(h, m))


class World:
    def __init__(self, services, admin):
        self.services, self.admin = services, admin
        self.sat = ordinary_saturday(dt.date.today() + dt.timedelta(days=14))
        self.org = services.organizations.create(
            admin,
            OrganizationInput(kind="npo", name="NPO法人 かなざわ子育てサポート", name_kana="カナザワコソダテサポート"),
        )
        registration = services.registration
        registration.apply(admin, self.org.id, dt.date(2024, 3, 1), registration.settings().documents)
        registration.review(admin, self.org.id, dt.date(2024, 3, 20), approved=True)
        registration.register(admin, self.org.id, dt.date(2024, 4, 1))
        self.org = services.organizations.get(admin, self.org.id)
        self.other = services.organizations.create(
            admin, OrganizationInput(kind="neighborhood", name="森山町会", name_kana="モリヤマチョウカイ")
        )
        self.advisor = services.advisors.save(
            admin,
            AdvisorInput(
                name="浅野 修",
                name_kana="アサノ オサム",
                fields=("accounting", "npo_law"),
                dispatch_types=("advisor",),
                fee=10000,
                travel_cost=1000,
                windows=(Window(1, T(18), T(21)), Window(5, T(13), T(17))),
            ),
        )

    def application(self, org=None, *, day=None, sessions=1, **kw):
        day = day or self.sat
        kw.setdefault("preferred", ((at(day, 10), at(day, 17)),))
        return self.services.dispatch.create(
            self.admin,
            ApplicationInput(
                organization_id=(org or self.org).id,
                dispatch_type="advisor",
                field="accounting",
                topic="会計の基礎",
                venue="公民館",
                expected_participants=12,
                support=("childcare",),
                sessions=sessions,
                **kw,
            ),
        )

    def book(self, app, start, end, **kw):
        return self.services.dispatch.book(self.admin, app.sessions[0].id, self.advisor.id, start, end, **kw)


@pytest.fixture
def world(services, admin):
    return World(services, admin)


@pytest.fixture
def open_page(qtbot, make_ctx):
    from kyodo_desk.ui.dispatch.page import DispatchPage

    def make(actor):
        page = DispatchPage(make_ctx(actor))
        qtbot.addWidget(page)
        page.resize(1200, 720)
        page.show()
        if page.allowed:
            qtbot.waitUntil(lambda: page.applications.count_label.text() != "")
        return page

    return make


def open_detail(qtbot, page, app_id):
    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as opened:
        page.open_application(app_id)
    detail = opened.args[0]
    qtbot.waitUntil(lambda: detail.app is not None, timeout=5000)
    return detail


def ime_type(widget, text: str) -> None:
    """Type Japanese the way an input method commits it (QTest.keyClicks only knows Latin-1)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def activate(qtbot, dialog):
    """Make *dialog* the active window, so its keyboard shortcuts (Ctrl+S ...) reach it."""
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    return dialog
