"""Statistics on screen and as CSV/PDF, the 相談受付票 preview, 相談分類の編集, 相談カルテ and case
timeline, and the home page's follow-ups."""

from __future__ import annotations

import csv
import datetime as dt
import io

from pypdf import PdfReader
from PySide6.QtCore import Qt

from kyodo_desk.ui.consultations.categories_dialog import CategoriesDialog
from kyodo_desk.ui.consultations.dialog import ConsultationDialog
from kyodo_desk.ui.consultations.receipt import ReceiptPreviewDialog
from kyodo_desk.ui.consultations.timeline import CaseTimelineDialog, OrganizationTimelineDialog
from tests.ui.test_consultations_helpers import FY, TODAY, open_page, world  # noqa: F401 - fixtures

PY = FY - 1  # a fiscal year wholly in the past


def _row(model, label: str, section: str | None = None) -> list[str]:
    current = None
    for r in range(model.rowCount()):
        current = model.cell(r, 0) or current
        if model.cell(r, 1).strip() == label and (section is None or current == section):
            return [model.cell(r, c) for c in range(model.columnCount())]
    raise KeyError(label)


def test_statistics_show_hand_counted_numbers_and_export_csv_and_pdf(
    qtbot, open_page, world, services, admin, tmp_path
):
    w = world
    c = {x.full_name: x.id for x in services.consultation_categories.for_year(PY)}
    april, may = dt.datetime(PY, 4, 10, 10), dt.datetime(PY, 5, 12, 14)
    case = services.consultations.create_case(admin, "NPO法人化", w.npo.id, april.date())
    # 1: April, walk-in, individual, two sub-categories of one top category (counted once at the top)
    w.consultation(
        received_at=april,
        category_ids=(c["設立・法人化 › 任意団体の設立"], c["設立・法人化 › NPO法人の設立"]),
        people_count=2,
    )
    # 2 and 3: one case (new in April, continuing in May), NPO, phone, referral in May
    w.consultation(
        received_at=april + dt.timedelta(days=1),
        channel="phone",
        requester_type="npo",
        organization_id=w.npo.id,
        case_id=case.id,
        category_ids=(c["設立・法人化 › NPO法人の設立"], c["ICT活用"]),
    )
    w.consultation(
        received_at=may,
        channel="phone",
        requester_type="npo",
        organization_id=w.npo.id,
        case_id=case.id,
        category_ids=(c["設立・法人化 › NPO法人の設立"],),
        referral_to="prefecture_npo",
        referral_reason="法人設立の詳しい手続き",
    )
    w.consultation(
        received_at=dt.datetime(PY, 3, 31, 18), category_ids=(c["ICT活用"],)
    )  # previous fiscal year: not counted
    page = open_page(admin)
    tab = page.statistics
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.select(PY)
    m = tab.model
    header = [m.headerData(i, Qt.Orientation.Horizontal) for i in range(m.columnCount())]
    assert header[:4] == ["区分", "項目", "4月", "5月"] and header[-1] == "合計"
    assert _row(m, "件数")[2:4] + _row(m, "件数")[-1:] == ["2", "1", "3"]
    assert _row(m, "案件数")[-1] == "2"  # the case counts once over the year
    assert _row(m, "人数")[-1] == "4"
    assert (_row(m, "新規")[-1], _row(m, "継続")[-1]) == ("2", "1")
    assert (_row(m, "来所")[-1], _row(m, "電話")[-1]) == ("1", "2")
    assert (_row(m, "個人", "相談者の種別")[-1], _row(m, "NPO法人", "相談者の種別")[-1]) == ("1", "2")
    assert _row(m, "設立・法人化", "相談分類")[-1] == "3"  # #1 once although it has two sub-categories
    assert _row(m, "NPO法人の設立", "相談分類")[-1] == "3"
    assert _row(m, "ICT活用", "相談分類")[-1] == "1"
    assert _row(m, "紹介件数")[3] == "1" and _row(m, "県NPOセンター")[-1] == "1"
    assert "令和" in tab.title.text() and tab.csv_button.isEnabled()

    with qtbot.waitSignal(tab.exported, timeout=10000) as done:
        tab.export_csv(tmp_path / "相談統計")
    path = done.args[0]
    assert path.endswith(".csv")
    raw = open(path, "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # BOM and CRLF for Japanese Excel
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["区分", "項目", "4月"]
    totals = {(r[0], r[1].strip()): r[-1] for r in rows[1:]}
    assert totals[("合計", "件数")] == "3" and totals[("相談分類", "設立・法人化")] == "3"

    with qtbot.waitSignal(tab.exported, timeout=30000) as done:
        tab.export_pdf(tmp_path / "相談統計.pdf")
    text = PdfReader(done.args[0]).pages[0].extract_text()
    assert "相談受付統計" in text and "設立・法人化" in text

    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.select(PY, 5)  # one month
    assert tab.model.columnCount() == 4 and _row(tab.model, "件数")[-1] == "1"


def test_receipt_preview_builds_the_pdf(qtbot, open_page, world, services, admin, tmp_path):
    rec = world.consultation(
        summary="協働のまちづくりチャレンジ事業に応募したい",
        answer="募集要項を渡した",
        organization_id=world.town.id,
        requester_type="neighborhood",
        followup_action="send_material",
        followup_due=TODAY + dt.timedelta(days=3),
    )
    page = open_page(admin)
    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as opened:
        page.open_consultation(rec.id)
    dialog = opened.args[0]
    qtbot.waitUntil(lambda: dialog.editor.record is not None, timeout=5000)
    assert dialog.editor.print_button.isEnabled()
    with qtbot.waitSignal(page.dialog_opened, timeout=30000) as shown:
        dialog.editor.print_button.click()
    preview = shown.args[0]
    assert isinstance(preview, ReceiptPreviewDialog)
    qtbot.waitUntil(lambda: preview.page_count >= 1, timeout=10000)
    assert preview.pdf.startswith(b"%PDF")
    with qtbot.waitSignal(preview.saved, timeout=5000) as saved:
        preview.save_pdf(tmp_path / "receipt")
    text = PdfReader(saved.args[0]).pages[0].extract_text()
    assert "相談受付票" in text and rec.reference in text and "森山町会" in text


def test_categories_are_edited_by_admins_only(qtbot, open_page, world, services, admin, staff_actor):
    assert not open_page(staff_actor).categories_button.isVisible()
    page = open_page(admin)
    assert page.categories_button.isVisible()
    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as opened:
        page.categories_button.click()
    dialog = opened.args[0]
    assert isinstance(dialog, CategoriesDialog)
    qtbot.waitUntil(lambda: dialog.categories != [], timeout=5000)
    assert dialog.select("ICT活用")
    dialog.name.setText("生成AIの使い方")
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.add_sub_button.click()
    assert "ICT活用 › 生成AIの使い方" in [c.full_name for c in dialog.categories]
    dialog.name.setText("")
    with qtbot.waitSignal(dialog.changed, raising=False, timeout=1000):
        dialog.rename_button.click()
    qtbot.waitUntil(lambda: dialog.errors.message("name") != "", timeout=5000)
    assert "分類名" in dialog.errors.message("name")
    assert dialog.select("場所・機材 › 機材・備品")
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.toggle_button.click()  # 表示しない
    assert dialog.toggle_button.text() == "表示する"
    tree = page.intake.form.categories  # the intake follows at once
    qtbot.waitUntil(lambda: any(c.name == "機材・備品" and not c.active for c in tree.categories), timeout=5000)
    assert tree.check_name("ICT活用 › 生成AIの使い方")
    assert not tree.check_name("場所・機材 › 機材・備品")  # hidden for new consultations


def test_organization_karte_and_case_timeline(qtbot, open_page, world, services, admin):
    case = services.consultations.create_case(admin, "NPO法人化", world.npo.id, dt.date(PY, 4, 1))
    first = world.consultation(
        received_at=dt.datetime(PY, 4, 2, 10),
        organization_id=world.npo.id,
        requester_type="npo",
        case_id=case.id,
        summary="定款の作り方",
    )
    world.consultation(
        received_at=dt.datetime(PY, 4, 20, 10),
        organization_id=world.npo.id,
        requester_type="npo",
        case_id=case.id,
        summary="設立総会の準備",
    )
    world.consultation(received_at=dt.datetime(PY, 4, 21, 10), organization_id=world.town.id, summary="別の団体")
    page = open_page(admin)
    page.intake.form.organization.choose(world.npo)
    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as opened:
        page.intake.timeline_button.click()  # from the intake
    karte = opened.args[0]
    assert isinstance(karte, OrganizationTimelineDialog)
    qtbot.waitUntil(lambda: karte.table.rowCount() == 2, timeout=5000)
    assert [karte.table.item(r, 3).text() for r in range(2)] == ["設立総会の準備", "定款の作り方"]  # newest first
    assert "相談 2 件" in karte.info.text() and karte.case_table.item(0, 1).text() == "継続中"
    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as opened:
        karte.case_button.click()
    timeline = opened.args[0]
    assert isinstance(timeline, CaseTimelineDialog)
    qtbot.waitUntil(lambda: timeline.case is not None, timeout=5000)
    assert [timeline.table.item(r, 3).text() for r in range(2)] == ["定款の作り方", "設立総会の準備"]  # oldest first
    with qtbot.waitSignal(timeline.loaded, timeout=5000):
        timeline.status_button.click()  # 完了にする
    assert services.consultations.case(admin, case.id).status == "closed"
    assert "完了" in timeline.info.text() and timeline.status_button.text() == "継続中に戻す"
    timeline.table.selectRow(0)
    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as opened:
        timeline.open_button.click()
    consultation = opened.args[0]
    assert isinstance(consultation, ConsultationDialog) and consultation.consultation_id == first.id


def test_follow_ups_due_appear_on_the_home_page(qtbot, make_ctx, world, services, admin):
    from kyodo_desk.ui.dashboard.home_page import HomePage

    w = world
    late = w.consultation(
        received_at=dt.datetime.combine(TODAY - dt.timedelta(days=5), dt.time(10)),
        summary="折り返しの約束",
        followup_action="call_back",
        followup_due=TODAY - dt.timedelta(days=2),
        followup_assignee_id=admin.staff_id,
    )
    w.consultation(summary="今日送る資料", followup_action="send_material", followup_due=TODAY)
    w.consultation(summary="来週の面談", followup_action="appointment", followup_due=TODAY + dt.timedelta(days=7))
    done = w.consultation(summary="済んだ連絡", followup_action="call_back", followup_due=TODAY)
    services.consultations.set_followup_done(admin, done.id)
    opened = []
    home = HomePage(make_ctx(admin), navigate=lambda key: type("P", (), {"open_consultation": opened.append})())
    qtbot.addWidget(home)
    home.show()
    card = home.followups_card
    qtbot.waitUntil(lambda: card.records != [], timeout=5000)
    assert card.summary.text() == "期限超過 1 件 ・ 今日まで 1 件"
    lines = card.lines()
    assert len(lines) == 2
    assert (
        "期限超過 2日" in lines[0]
        and "折り返し連絡" in lines[0]
        and admin.name in lines[0]
        and "折り返しの約束" in lines[0]
    )
    assert f"{TODAY:%m/%d}" in lines[1] and "今日送る資料" in lines[1] and "担当未定" in lines[1]
    card.list.itemClicked.emit(card.list.item(0))
    assert opened == [late.id]


def test_search_box_opens_a_reference_and_hand_offs_carry_the_organization(qtbot, window, services):
    from kyodo_desk.services.consultations import ConsultationInput
    from kyodo_desk.services.organizations import OrganizationFilter

    actor = window.ctx.actor
    org = services.organizations.page(actor, OrganizationFilter(), limit=1)[0]
    cat = services.consultation_categories.for_year(FY)[0].id
    rec = services.consultations.create(
        actor, ConsultationInput(summary="タブレットを借りたい", organization_id=org.id, category_ids=(cat,))
    )
    page = window.pages["consultations"]

    window.focus_search()
    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as opened:
        qtbot.keyClicks(window.search, rec.reference)  # 受付番号 typed (or scanned) + Enter
        qtbot.keyClick(window.search, Qt.Key.Key_Return)
    dialog = opened.args[0]
    assert isinstance(dialog, ConsultationDialog) and dialog.consultation_id == rec.id
    assert window.current_page_key() == "consultations"
    qtbot.waitUntil(lambda: dialog.editor.record is not None, timeout=5000)
    assert dialog.editor.dispatch_button.isEnabled() and dialog.editor.lending_button.isEnabled()

    dispatch = window.pages["dispatch"]
    with qtbot.waitSignal(dispatch.dialog_opened, timeout=5000) as started:
        dialog.editor.dispatch_button.click()  # 派遣申請へ
    assert window.current_page_key() == "dispatch"
    application = started.args[0]
    assert application.organization.record.id == org.id and application.consultation_id == rec.id
    application.done(0)

    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as opened:
        page.open_consultation(rec.id)
    dialog = opened.args[0]
    qtbot.waitUntil(lambda: dialog.editor.record is not None, timeout=5000)
    dialog.editor.lending_button.click()  # 機器貸出へ
    lending = window.pages["lending"]
    assert window.current_page_key() == "lending"
    qtbot.waitUntil(lambda: lending.desk.borrower.organization_id() == org.id, timeout=5000)
