"""A lost connection at the intake desk (issue 16), through the real main window on PostgreSQL
reached through a TCP proxy on 127.0.0.1 that drops every connection and refuses new ones:

* the save is retried by itself while the status bar says 「サーバーに接続できません。再接続しています…」,
  what was typed stays, and once the server answers again the consultation is stored once and the
  status bar says 「サーバーに再接続しました」;
* when the server stays away longer than the desk retries, the box says the same in Japanese (no
  raw driver text), the form keeps what was typed, and 保存 later stores it once.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from kyodo_desk.db.consultation_models import Consultation
from kyodo_desk.db.engine import Database
from kyodo_desk.services.inventory import DeviceInput
from kyodo_desk.services.organizations import OrganizationInput
from tests.conftest import PG_URL
from tests.reliability.tcp_proxy import TcpProxy
from tests.ui.conftest import sign_in
from tests.ui.test_consultations_helpers import ime_type

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs KYODO_DESK_TEST_DATABASE=postgresql+psycopg://...")

LOST = "サーバーに接続できません。再接続しています…"
BACK = "サーバーに再接続しました"
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def desk(qtbot, db, db_url, make_ctx, services, demo_small):
    """The main window of a desk whose database connection goes through the proxy."""
    from kyodo_desk.ui.main_window import MainWindow

    url = make_url(db_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    desk_db = Database.from_url(proxy.url_for(db_url))
    ctx = make_ctx(sign_in(services, "admin"), database=desk_db)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.pages["home"].loaded, timeout=20_000)
    page = win.show_page("consultations")
    qtbot.waitUntil(lambda: page.intake.form.categories.topLevelItemCount() > 0, timeout=20_000)
    yield win, page.intake, proxy
    proxy.come_up()
    win.close()
    ctx.tasks.wait_for_done()
    proxy.close()
    desk_db.dispose()


def _type_consultation(qtbot, intake, summary: str) -> None:
    form = intake.form
    form.categories.setFocus()
    qtbot.keyClick(form.categories, Qt.Key.Key_Space)  # the first category
    ime_type(form.summary, summary)
    ime_type(form.details, "土曜の午後に20人、プロジェクターも")


def _stored(db, summary: str) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Consultation).where(Consultation.summary == summary)) or 0


def test_a_save_during_a_drop_waits_says_so_keeps_the_typing_and_stores_once(qtbot, desk, db):
    win, intake, proxy = desk
    _type_consultation(qtbot, intake, "会議室を探している")
    proxy.go_down()
    qtbot.keyClick(intake.form.summary, Qt.Key.Key_S, CTRL)
    status = win.connection_status
    qtbot.waitUntil(lambda: status.isVisible() and status.text() == LOST, timeout=20_000)
    assert intake.saving and intake.form.summary.text() == "会議室を探している"  # the typing stays
    assert intake.form.details.toPlainText() == "土曜の午後に20人、プロジェクターも"
    assert _stored(db, "会議室を探している") == 0
    with qtbot.waitSignal(intake.saved, timeout=60_000) as saved:
        proxy.come_up()
    qtbot.waitUntil(lambda: status.text() == BACK, timeout=20_000)
    assert _stored(db, "会議室を探している") == 1
    assert "受付番号" in intake.result_line.text() and saved.args[0].reference in intake.result_line.text()
    assert not [b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()]


def test_a_longer_outage_is_explained_in_japanese_and_a_later_save_stores_once(qtbot, desk, db):
    win, intake, proxy = desk
    win.ctx.tasks.retry_window_s = 1.0  # the desk gives up retrying at once (it retries 90 s normally)
    _type_consultation(qtbot, intake, "助成金の相談")
    proxy.go_down()
    qtbot.keyClick(intake.form.summary, Qt.Key.Key_S, CTRL)

    def box():
        return next(
            (b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()), None
        ) or next((b for b in intake.findChildren(QMessageBox) if b.isVisible()), None)

    qtbot.waitUntil(lambda: box() is not None and LOST in box().text(), timeout=30_000)
    shown = box()
    assert "Error" not in shown.text() and "psycopg" not in shown.text() and "127.0.0.1" not in shown.text()
    assert win.connection_status.isVisible() and win.connection_status.text() == LOST
    assert not intake.saving and intake.save_button.isEnabled()
    assert intake.form.summary.text() == "助成金の相談"  # the typing stays
    assert intake.form.details.toPlainText() == "土曜の午後に20人、プロジェクターも"
    shown.close()
    proxy.come_up()
    qtbot.waitUntil(lambda: win.connection_status.text() == BACK, timeout=30_000)  # its own look found the server
    with qtbot.waitSignal(intake.saved, timeout=30_000):
        qtbot.mouseClick(intake.save_button, Qt.MouseButton.LeftButton)  # 保存 again, same request key
    assert _stored(db, "助成金の相談") == 1


def test_a_new_organization_saved_during_a_drop_is_stored_once(qtbot, desk, db):
    from kyodo_desk.db.models import Organization
    from kyodo_desk.ui.groups.edit_dialog import OrganizationDialog

    win, _intake, proxy = desk
    dialog = OrganizationDialog(win.ctx, None, win)
    qtbot.addWidget(dialog)
    dialog.show()
    ime_type(dialog.name, "犀川の清掃をすすめる会")
    proxy.go_down()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    status = win.connection_status
    qtbot.waitUntil(lambda: status.isVisible() and status.text() == LOST, timeout=20_000)
    assert dialog.isVisible() and dialog.name.text() == "犀川の清掃をすすめる会"
    with qtbot.waitSignal(dialog.saved, timeout=60_000) as saved:
        proxy.come_up()
    with db.read() as s:
        rows = s.scalars(select(Organization).where(Organization.name == "犀川の清掃をすすめる会")).all()
    assert [r.id for r in rows] == [saved.args[0].id] and rows[0].request_key == dialog.request_key


def test_a_checkout_whose_commit_reply_is_lost_is_retried_and_lent_once(qtbot, db, db_url, make_ctx, services, admin):
    """The worst moment: the server stores the loan, the reply never arrives.  The desk retries
    with the checkout's key and shows the loan; without the key the retry would refuse its own
    devices as 貸出中 (or lend them twice)."""
    from kyodo_desk.db.lending_models import Loan
    from kyodo_desk.ui.lending.page import LendingPage
    from tests.ui.test_lending_support import scan

    model = services.inventory.save_model(admin, "tablet", "Apple", "iPad", [])
    services.inventory.create(admin, DeviceInput(model_id=model.id))
    org = services.organizations.create(admin, OrganizationInput(kind="neighborhood", name="広坂町会"))
    url = make_url(db_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    desk_db = Database.from_url(proxy.url_for(db_url))
    try:
        ctx = make_ctx(admin, database=desk_db)
        page = LendingPage(ctx)
        qtbot.addWidget(page)
        page.resize(1200, 780)
        page.show()
        qtbot.waitUntil(lambda: page.inventory.model.total is not None, timeout=20_000)
        desk = page.desk
        desk.borrower.set_organization(org)
        desk.borrower.responsible.setText("山田 太郎")
        desk.borrower.phone.setText("090-1234-5678")
        with qtbot.waitSignal(desk.scan_answered, timeout=20_000):
            scan(qtbot, desk.scan, "KD-0001")
        qtbot.waitUntil(lambda: ctx.tasks.pending == 0, timeout=20_000)  # the next COMMIT is the checkout's
        retried: list[int] = []
        ctx.tasks.connection_lost.connect(lambda: retried.append(1))
        proxy.cut_after_commit()
        with qtbot.waitSignal(desk.checked_out, timeout=60_000) as lent:
            desk.confirm_button.click()
        assert proxy.commit_cut.wait(10)  # the reply to COMMIT was lost on the way
        with db.read() as s:
            loans = s.scalars(select(Loan)).all()
        assert [loan.id for loan in loans] == [lent.args[0].id] and loans[0].request_key is not None
        # id 1: the first try's row (sequences never roll back — a second insert would have taken 2)
        assert loans[0].id == 1 and retried
        assert "貸し出しました" in desk.result_line.text() and desk.result_line.tone == "ok"
        ctx.tasks.wait_for_done()
    finally:
        proxy.close()
        desk_db.dispose()
