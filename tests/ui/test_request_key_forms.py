"""The forms that create a staff account, a reservation or a person send one request key per form
(migration 0015): when the first try was stored but the desk never heard back (a lost COMMIT
reply), pressing the button again — or the task runner's retry — gets the stored record back and
the desk says it was done, instead of 「ログイン名はすでに使われています」 or 「予約できません」.
The first try is made here by the service with the form's own key, as the lost try would have."""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import QDate
from sqlalchemy import func, select

from kyodo_desk.db.lending_models import Reservation
from kyodo_desk.db.models import Person, Staff
from tests.ui.test_lending_support import idle, lending, open_day, open_lending  # noqa: F401
from tests.ui.test_settings import open_settings  # noqa: F401


def _count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_adding_a_staff_account_again_after_a_lost_reply_shows_the_stored_one(qtbot, open_settings, services, admin):  # noqa: F811
    page = open_settings(admin)
    accounts = page.staff
    qtbot.waitUntil(lambda: accounts.names() == ["山田 花子"])
    key, temporary = accounts.request_key, accounts.temporary
    uuid.UUID(key)  # a UUID4 made by the form
    services.staff.create(admin, "saito", "斉藤 明", "staff", password=temporary, temporary=True, request_key=key)
    accounts.login.setText("saito")
    accounts.name.setText("斉藤 明")
    accounts.add_button.click()
    qtbot.waitUntil(lambda: "斉藤 明" in accounts.status.text())
    assert temporary in accounts.status.text()  # the password that was stored with it
    assert _count(services.db, Staff) == 2 and not accounts.errors.message("login_name")
    assert accounts.request_key != key  # the next account is a new one
    accounts.login.setText("kato")
    accounts.name.setText("加藤 誠")
    accounts.add_button.click()
    qtbot.waitUntil(lambda: "加藤 誠" in accounts.names())
    assert _count(services.db, Staff) == 3


def test_reserving_again_after_a_lost_reply_shows_the_stored_reservation(qtbot, open_lending, services, admin, lending):  # noqa: F811
    page = open_lending(admin)
    tab = page.show_tab(page.reservations)
    tab.organization.choose(lending.org)
    start = open_day(services, 10)
    end = services.calendar.calendar().next_open_day(start + dt.timedelta(days=1))
    tab.start.setDate(QDate(start.year, start.month, start.day))
    tab.end.setDate(QDate(end.year, end.month, end.day))
    with qtbot.waitSignal(tab.availability_shown, timeout=5000):
        tab.check_button.click()
    assert tab.tick(lending.devices[0].asset_tag)
    key = tab.request_key
    first = services.reservations.create(admin, lending.org.id, start, end, [lending.devices[0].id], request_key=key)
    with qtbot.waitSignal(tab.reserved, timeout=5000) as reserved:
        tab.reserve_button.click()
    assert reserved.args[0].id == first.id and tab.message.tone == "ok"
    assert _count(services.db, Reservation) == 1
    assert tab.request_key != key
    idle(qtbot, tab.ctx)


def test_a_person_entered_in_the_consultation_editor_carries_a_key(qtbot, make_ctx, services, staff_actor):
    from kyodo_desk.ui.consultations.editor import ConsultationEditor

    ctx = make_ctx(staff_actor)
    editor = ConsultationEditor(ctx)
    qtbot.addWidget(editor)
    editor._create_person("佐藤 一郎")
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0 and _count(services.db, Person) == 1, timeout=10000)
    with services.db.read() as s:
        key = s.scalar(select(Person.request_key))
    assert key is not None and uuid.UUID(key).version == 4
