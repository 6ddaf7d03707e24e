"""Shared set-up for the consultation screen tests (no tests here): two organizations, the
categories of this fiscal year, a page opened for an actor, keyboard helpers."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.services.consultations import ConsultationInput
from kyodo_desk.services.organizations import OrganizationInput

TODAY = dt.date.today()
FY = fiscal_year_of(TODAY)


class World:
    def __init__(self, services, admin):
        self.services, self.admin = services, admin
        self.npo = services.organizations.create(
            admin,
            OrganizationInput(kind="npo", name="NPO法人 かなざわ子育てサポート", name_kana="カナザワコソダテサポート"),
        )
        self.town = services.organizations.create(
            admin, OrganizationInput(kind="neighborhood", name="森山町会", name_kana="モリヤマチョウカイ")
        )
        self.cats = {c.full_name: c.id for c in services.consultation_categories.for_year(FY)}

    def consultation(self, actor=None, **kw):
        kw.setdefault("summary", "相談")
        kw.setdefault("category_ids", (self.cats["その他"],))
        return self.services.consultations.create(actor or self.admin, ConsultationInput(**kw))


@pytest.fixture
def world(services, admin):
    return World(services, admin)


@pytest.fixture
def open_page(qtbot, make_ctx):
    from kyodo_desk.ui.consultations.page import ConsultationsPage

    def make(actor):
        page = ConsultationsPage(make_ctx(actor))
        qtbot.addWidget(page)
        page.resize(1240, 760)
        page.show()
        if page.allowed:
            activate(qtbot, page)
            qtbot.waitUntil(lambda: page.intake.form.categories.topLevelItemCount() > 0, timeout=5000)
            page.intake.focus_first()
        return page

    return make


def ime_type(widget, text: str) -> None:
    """Type Japanese the way an input method commits it (QTest.keyClicks only knows Latin-1)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def activate(qtbot, widget):
    """Make *widget*'s window the active one, so its keyboard shortcuts (Ctrl+S ...) reach it."""
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=5000)
    return widget


def focused():
    return QApplication.focusWidget()


def references(model) -> list[str]:
    return [r.reference for r in model.rows]
