"""Four screens at two desks: a category rename, a device model, a new label sheet and an advisor's
exception day saved at this desk after another desk saved the same record (through the services,
on the same database) since the screen showed it.  The save is refused with the message in Japanese
where the screen shows its errors, what was typed stays in the form, and the other desk's values
are what is stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from datetime import time as T

from kyodo_desk.services.advisors import AdvisorInput, ExceptionDay, Window
from kyodo_desk.services.inventory import Accessory
from kyodo_desk.services.labels import LabelService
from kyodo_desk.ui.consultations.categories_dialog import CategoriesDialog
from kyodo_desk.ui.dispatch.availability import ExceptionsEditor
from kyodo_desk.ui.lending.device_models import DeviceModelsDialog
from kyodo_desk.ui.lending.label_template_dialog import LabelTemplateDialog

STALE = "開いた後に別の窓口で変更されました"
KEPT = "入力内容は残してあります"


def _shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_category_rename_over_another_desks_rename(qtbot, make_ctx, services, admin):
    dialog = _shown(qtbot, CategoriesDialog(make_ctx(admin), 2025))
    qtbot.waitUntil(lambda: dialog.categories != [], timeout=5000)
    shown = dialog.current()
    assert shown is not None and shown.parent_id is None
    services.consultation_categories.rename(admin, shown.id, "団体の運営(会計・規約)", shown.version)
    dialog.name.setText("団体運営")
    dialog.rename_button.click()
    qtbot.waitUntil(lambda: dialog.errors.message("name") != "", timeout=5000)
    assert f"この分類は、{STALE}" in dialog.errors.message("name") and KEPT in dialog.errors.message("name")
    assert dialog.name.text() == "団体運営"
    now = next(c for c in services.consultation_categories.for_year(2025) if c.id == shown.id)
    assert now.name == "団体の運営(会計・規約)"


def test_device_model_saved_over_another_desks_save(qtbot, make_ctx, services, admin):
    model = services.inventory.save_model(admin, "tablet", "Apple", "iPad 第9世代", [Accessory("ACアダプタ")])
    dialog = _shown(qtbot, DeviceModelsDialog(make_ctx(admin)))
    qtbot.waitUntil(lambda: dialog.list.count() == 1 and dialog.current_id == model.id, timeout=5000)
    services.inventory.save_model(
        admin, "tablet", "Apple", "iPad 第9世代", [Accessory("ACアダプタ"), Accessory("ケース")],
        model_id=model.id, expected_version=model.version,
    )  # fmt: skip
    dialog.add_accessory("タッチペン", 1)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.message.tone == "error", timeout=5000)
    assert f"この機種は、{STALE}" in dialog.message.text()
    assert [a.name for a in dialog.collect_accessories()] == ["ACアダプタ", "タッチペン"]
    assert dialog.save_button.isEnabled()
    (now,) = services.inventory.models(admin)
    assert [a.name for a in now.accessories] == ["ACアダプタ", "ケース"]


def test_new_label_sheet_whose_name_another_desk_took_meanwhile(qtbot, make_ctx, services, admin):
    labels = LabelService(services.db, services.settings)
    shown = labels.templates()
    start = shown["a4-12"]
    form = _shown(qtbot, LabelTemplateDialog(make_ctx(admin), labels, shown, start))
    form.name.setText("office-12")
    form.title.setText("事務室の12面")
    other = labels.save_template(admin, replace(start, name="office-12", title="別の窓口の用紙", top=start.top + 1))
    form.mm["left"].setValue(start.left + 2)
    form.save_button.click()
    qtbot.waitUntil(lambda: form.errors.message("name") != "", timeout=5000)
    assert form.errors.message("name") == "「office-12」という用紙はもうあります。別の名前にしてください。"
    assert form.isVisible() and form.title.text() == "事務室の12面" and form.mm["left"].value() == start.left + 2
    now = labels.templates()["office-12"]
    assert (now.title, now.top, now.left, now.version) == ("別の窓口の用紙", start.top + 1, start.left, other.version)


def test_exception_day_added_over_one_another_desk_added(qtbot, make_ctx, services, admin):
    advisor = services.advisors.save(
        admin,
        AdvisorInput(
            name="北川 由美", name_kana="キタガワ ユミ", fields=("accounting",), windows=(Window(5, T(10), T(17)),)
        ),
    )
    day = dt.date(2027, 2, 6)
    editor = _shown(qtbot, ExceptionsEditor(make_ctx(admin)))
    editor.set_advisor(advisor.id, advisor.exceptions)  # the desk shows no exception that day
    services.advisors.add_exception(admin, advisor.id, ExceptionDay(day, False, reason="出張"), None)
    editor.day.setDate(day)
    editor.mode.setCurrentIndex(editor.mode.findData(True))
    editor.reason.setText("午後のみ")
    editor.add_button.click()
    qtbot.waitUntil(lambda: editor.error.text() != "", timeout=5000)
    assert f"この日ごとの例外は、{STALE}" in editor.error.text() and editor.reason.text() == "午後のみ"
    (stored,) = services.advisors.get(admin, advisor.id).exceptions
    assert (stored.available, stored.reason) == (False, "出張")

    # the desk shows that exception; another desk changes it; removing the shown one is refused too
    editor.set_advisor(advisor.id, services.advisors.get(admin, advisor.id).exceptions)
    services.advisors.add_exception(admin, advisor.id, ExceptionDay(day, False, reason="研修"), stored.version)
    editor.error.setText("")
    editor.table.selectRow(0)
    editor.remove_button.click()
    qtbot.waitUntil(lambda: editor.error.text() != "", timeout=5000)
    assert STALE in editor.error.text()
    assert [e.reason for e in services.advisors.get(admin, advisor.id).exceptions] == ["研修"]
