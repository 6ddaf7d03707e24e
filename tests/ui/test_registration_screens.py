"""The registration screens: consent saved from the window, only allowed steps for each role, the
publication list saved as CSV from the groups page, and the scheme's settings with field errors."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from kyodo_desk.services.organizations import OrganizationInput
from kyodo_desk.ui.groups.page import OrganizationsPage
from kyodo_desk.ui.groups.registration_dialog import RegistrationDialog
from kyodo_desk.ui.groups.registration_settings_dialog import RegistrationSettingsDialog

DOCS = ("規約", "名簿", "活動計画")


@pytest.fixture
def registered(services, admin):
    org = services.organizations.create(
        admin, OrganizationInput(kind="citizen_group", name="用水を守る会", phone="076-220-1234")
    )
    reg = services.registration
    today = dt.date.today()
    reg.apply(admin, org.id, today - dt.timedelta(days=20), DOCS)
    reg.review(admin, org.id, today - dt.timedelta(days=10), approved=True)
    reg.register(admin, org.id, today - dt.timedelta(days=5))
    return org


def _window(qtbot, make_ctx, actor, org) -> RegistrationDialog:
    dialog = RegistrationDialog(make_ctx(actor), org.id, org.name)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.record is not None, timeout=5000)
    return dialog


def test_consent_is_saved_from_the_window(qtbot, make_ctx, services, admin, registered):
    dialog = _window(qtbot, make_ctx, admin, registered)
    assert not any(b.isChecked() for b in dialog.consent_boxes.values())
    dialog.consent_boxes["name"].setChecked(True)
    dialog.consent_boxes["phone"].setChecked(True)
    dialog.consent_button.click()
    qtbot.waitUntil(lambda: dialog.record.publish_fields == ("name", "phone"), timeout=5000)
    entries = services.registration.publication_list(admin, dt.date.today())
    assert [dict(e.values) for e in entries] == [{"name": "用水を守る会", "phone": "076-220-1234"}]
    assert dialog.certificate_button.isEnabled() and dialog.notice_button.isEnabled()


def test_each_role_sees_only_its_steps(qtbot, make_ctx, services, admin, staff_actor, ict_actor, registered):
    def visible(dialog):
        return {s for s, b in dialog.step_buttons.items() if not b.isHidden()}

    assert visible(_window(qtbot, make_ctx, admin, registered)) == {"renew", "change", "lapse", "withdraw", "cancel"}
    staff = _window(qtbot, make_ctx, staff_actor, registered)
    assert visible(staff) == {"renew", "change", "lapse", "withdraw"}  # 登録取消 is the administrator's
    ict = _window(qtbot, make_ctx, ict_actor, registered)
    assert visible(ict) == set() and not ict.no_steps.isHidden()
    assert not ict.consent_boxes["name"].isEnabled() and ict.consent_button.isHidden()
    assert ict.start_step("renew") is None


def test_publication_csv_from_the_groups_page(qtbot, make_ctx, services, admin, registered, tmp_path):
    services.registration.set_publish_fields(admin, registered.id, ["name"])
    page = OrganizationsPage(make_ctx(admin))
    qtbot.addWidget(page)
    page.show()
    bar = page.registration_bar
    qtbot.waitUntil(lambda: "登録中 1 団体" in bar.count_label.text(), timeout=5000)
    bar.count_day.setValue(dt.date.today() - dt.timedelta(days=6))  # the day before it was registered
    qtbot.waitUntil(lambda: "登録中 0 団体" in bar.count_label.text(), timeout=5000)
    bar.count_day.setValue(dt.date.today())
    target = tmp_path / "list"
    bar.ask_path = lambda *_a: target
    bar.save_csv()
    qtbot.waitUntil(lambda: (tmp_path / "list.csv").exists(), timeout=5000)
    rows = list(csv.reader(io.StringIO((tmp_path / "list.csv").read_bytes().decode("utf-8-sig"))))
    assert rows[0] == ["登録番号", "団体名"] and rows[1][1] == "用水を守る会"
    assert "076-220-1234" not in (tmp_path / "list.csv").read_text(encoding="utf-8-sig")


def test_settings_dialog_keeps_the_typing_and_names_the_field(qtbot, make_ctx, services, admin, staff_actor):
    dialog = RegistrationSettingsDialog(make_ctx(admin), services.registration.settings())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.number_pattern.setText("協働-{year}")
    assert "{seq}" in dialog.number_example.text()
    dialog.documents.setPlainText("規約\n名簿\n活動計画\n会計報告")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.errors.message("number_pattern") != "", timeout=5000)
    assert dialog.number_pattern.text() == "協働-{year}" and dialog.isVisible()
    dialog.number_pattern.setText("K{wareki}-{seq:04d}")
    assert dialog.number_example.text() == "例: KR7-0001"
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save()
    stored = services.registration.settings()
    assert (
        stored.documents == ("規約", "名簿", "活動計画", "会計報告") and stored.number_pattern == "K{wareki}-{seq:04d}"
    )
    staff_page = OrganizationsPage(make_ctx(staff_actor))
    qtbot.addWidget(staff_page)
    assert staff_page.registration_bar.settings_button.isHidden()  # administrators only
