"""Shared set-up of the lending GUI tests: three tablets, two organizations, the lending page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from kyodo_desk.services.inventory import Accessory, DeviceInput
from kyodo_desk.services.loans import CheckoutRequest
from kyodo_desk.services.organizations import OrganizationInput

TODAY = dt.date.today()


@dataclass
class Lending:
    model: object
    devices: list
    org: object
    other: object


@pytest.fixture
def lending(services, admin) -> Lending:
    model = services.inventory.save_model(
        admin, "tablet", "Apple", "iPad 第9世代", [Accessory("ACアダプタ"), Accessory("ケーブル"), Accessory("ケース")]
    )
    devices = [
        services.inventory.create(admin, DeviceInput(model_id=model.id, serial=f"SN{i}", storage_place="倉庫A"))
        for i in range(3)
    ]
    org = services.organizations.create(
        admin, OrganizationInput(kind="neighborhood", name="広坂町会", name_kana="ヒロサカチョウカイ")
    )
    other = services.organizations.create(
        admin,
        OrganizationInput(
            kind="citizen_group",
            name="長町子ども食堂",
            name_kana="ナガマチコドモショクドウ",
            contact_name="中村 恵",
            phone="076-111-2222",
        ),
    )
    return Lending(model, devices, org, other)


@pytest.fixture
def open_lending(qtbot, make_ctx):
    """The 機器貸出 page for *actor*, shown, with its first loads done."""

    def make(actor):
        from kyodo_desk.ui.lending.page import LendingPage

        ctx = make_ctx(actor)
        page = LendingPage(ctx)
        qtbot.addWidget(page)
        page.resize(1200, 780)
        page.show()
        page.activateWindow()
        qtbot.waitUntil(lambda: page.inventory.model.total is not None, timeout=5000)
        idle(qtbot, ctx)
        return page

    return make


def idle(qtbot, ctx, timeout: int = 10000) -> None:
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0, timeout=timeout)


def scan(qtbot, field, code: str) -> None:
    """A USB scanner: the code typed into the field, then Enter."""
    qtbot.keyClicks(field, code)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def checkout(services, actor, org, devices, due, **kw):
    return services.loans.checkout(
        actor,
        CheckoutRequest(
            organization_id=org.id,
            responsible_name="山田 太郎",
            contact_phone="090-1234-5678",
            device_ids=tuple(d.id for d in devices),
            due_on=due,
            purpose="オンライン総会",
            accessories={d.id: ("ACアダプタ", "ケーブル") for d in devices},
            **kw,
        ),
    )


def open_day(services, days: int) -> dt.date:
    return services.calendar.calendar().next_open_day(TODAY + dt.timedelta(days=days))


def type_ime(widget, text: str) -> None:
    """Japanese arrives from the input method as committed text (QTest can only type ASCII keys)."""
    for char in text:
        event = QInputMethodEvent()
        event.setCommitString(char)
        QApplication.sendEvent(widget, event)


def focused():
    return QApplication.focusWidget()
