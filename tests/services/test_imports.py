"""The spreadsheet import as a center adopting the desk uses it: an office's own Excel inventory,
Excel's other save formats, the desk's own export read back, the 団体名簿 and the advisor roster."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from kyodo_desk.services.imports import ImportFileRefused, ImportRowsRefused, ImportService
from kyodo_desk.services.imports.plan import ERROR, NEW, SAME, UPDATE
from kyodo_desk.services.inventory_csv import export_devices


@pytest.fixture
def imports(services):
    return ImportService(services.db, services.settings)


def office_xlsx() -> bytes:
    """An inventory as an office keeps it: its own headings, widths, a title row, 和暦 and date cells."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "備品台帳"
    sheet.append(["備品台帳(令和5年4月1日現在)"])  # a title line and a blank line above the table
    sheet.append([])
    sheet.append(["No", "種類", "製造元", "品名", "製造番号", "購入年月日", "付属品", "置き場", "摘要"])
    sheet.append(
        [
            1,
            "ノートPC",
            "ﾊﾟﾅｿﾆｯｸ",
            "CF-SV1",
            "DMPX１２３４５",
            dt.datetime(2021, 5, 10),
            "ACアダプター、マウス",
            "書庫A",
            "",
        ]
    )
    sheet.append(
        [2, "モバイルWi-Fi", "NEC", "Aterm MP02LN", "SN-777", "R3/5/10", "充電器・USBケーブル×2", "書庫B", "要充電"]
    )
    sheet.append([3, "タブレット", "ｱｯﾌﾟﾙ", "iPad 第9世代", "F9XK", "令和4年4月1日", "充電器\nケース", "", ""])
    sheet.append([4, "ノートPC", "ﾊﾟﾅｿﾆｯｸ", "CF-SV1", "DMPX99999", dt.date(2022, 1, 31), "ACアダプター", "書庫A", ""])
    sheet.column_dimensions["D"].width = 30
    for row in sheet.iter_rows(min_row=4, min_col=6, max_col=6):
        for cell in row:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "ggge年m月d日"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _open(imports, admin, kind, data, name="x.csv"):
    return imports.open_file(admin, kind, data, name)


def test_office_excel_inventory_imports_with_its_own_headings(imports, services, admin):
    table, mapping, values = _open(imports, admin, "devices", office_xlsx(), "備品台帳.xlsx")
    assert table.file_kind == "xlsx" and table.rows[0].number == 4
    assert table.notes == ("3行目を見出しとして読みました(その上の行は表題として読みません)。",)
    assert dict(zip(table.header, mapping, strict=True)) == {
        "No": "",
        "種類": "kind",
        "製造元": "maker",
        "品名": "model_name",
        "製造番号": "serial",
        "購入年月日": "purchase_date",
        "付属品": "accessories",
        "置き場": "storage_place",
        "摘要": "notes",
    }
    preview = imports.preview(admin, "devices", table, mapping, values)
    assert [r.action for r in preview.rows] == [NEW, NEW, NEW, NEW], [r.problems for r in preview.rows]
    assert "ノートパソコン パナソニック CF-SV1 / DMPX12345" == preview.rows[0].summary
    result = imports.run(admin, "devices", table, mapping, values)
    assert (result.created, result.updated, result.skipped) == (4, 0, 0)
    devices = services.inventory.page(admin)
    by_serial = {d.serial: d for d in devices}
    assert set(by_serial) == {"DMPX12345", "SN-777", "F9XK", "DMPX99999"}  # NFKC
    assert by_serial["DMPX12345"].purchase_date == dt.date(2021, 5, 10)
    assert by_serial["SN-777"].purchase_date == dt.date(2021, 5, 10)
    assert by_serial["F9XK"].purchase_date == dt.date(2022, 4, 1)
    assert by_serial["F9XK"].model.maker == "アップル" and by_serial["SN-777"].kind == "wifi_router"
    assert by_serial["SN-777"].notes == "要充電" and by_serial["SN-777"].storage_place == "書庫B"
    checklists = {m.model_name: [(a.name, a.count) for a in m.accessories] for m in services.inventory.models(admin)}
    assert checklists == {
        "CF-SV1": [("ACアダプター", 1), ("マウス", 1)],
        "Aterm MP02LN": [("充電器", 1), ("USBケーブル", 2)],
        "iPad 第9世代": [("充電器", 1), ("ケース", 1)],
    }
    # the mapping is remembered: a file with the same headings needs no choices
    again, remembered, _v = _open(imports, admin, "devices", office_xlsx(), "備品台帳.xlsx")
    assert remembered == mapping


def test_merge_into_an_existing_model_with_another_checklist_is_announced(imports, services, admin):
    from kyodo_desk.services.inventory import Accessory

    services.inventory.save_model(admin, "laptop", "パナソニック", "CF-SV1", [Accessory("ACアダプター")])
    table, mapping, values = _open(imports, admin, "devices", office_xlsx())
    preview = imports.preview(admin, "devices", table, mapping, values)
    note = " ".join(preview.rows[0].notes)
    assert "付属品は登録済みのもの(ACアダプター)のまま" in note and "ACアダプター、マウス" in note
    assert preview.rows[3].notes == ()  # same checklist: nothing to say


def test_utf16_tab_text_and_cp932_csv(imports, services, admin):
    text = "管理番号\t種別\tメーカー\t型番\t購入日\nKD-0500\tタブレット\tApple\tiPad\t令3.5.10\n"
    table, mapping, values = _open(imports, admin, "devices", text.encode("utf-16"), "在庫.txt")
    assert table.encoding == "UTF-16" and table.delimiter == "\t"
    assert imports.run(admin, "devices", table, mapping, values).created == 1
    cp = (
        "管理番号,種類,メーカー,機種名,取得日,状態\nKD-0501,ﾉｰﾄPC,NEC,LAVIE,H31.4.30,修理中\n"
        "KD-0502,ﾀﾌﾞﾚｯﾄ,NEC,LAVIE Tab,44326,\n"  # an Excel date serial: 2021/5/10
    ).encode("cp932")
    table, mapping, values = _open(imports, admin, "devices", cp)
    assert table.encoding == "Shift_JIS"
    assert imports.run(admin, "devices", table, mapping, values).created == 2
    assert services.inventory.by_tag(admin, "KD-0502").purchase_date == dt.date(2021, 5, 10)
    device = services.inventory.by_tag(admin, "KD-0501")
    assert device.kind == "laptop" and device.state == "repair" and device.purchase_date == dt.date(2019, 4, 30)


def test_export_reimports_as_unchanged_and_keeps_states(imports, services, admin):
    from kyodo_desk.services.inventory import Accessory, DeviceInput

    model = services.inventory.save_model(
        admin, "tablet", "Apple", "iPad", [Accessory("充電器"), Accessory("ケース", 2)]
    )
    devices = [
        services.inventory.create(admin, DeviceInput(model.id, serial=f"SN{i}", storage_place="棚", notes="-注意"))
        for i in range(3)
    ]
    services.inventory.set_state(admin, devices[1].id, "repair", "液晶不良")
    exported = export_devices(services.inventory, admin)
    assert exported.decode("utf-8-sig").splitlines()[0].endswith("付属品")
    table, mapping, values = _open(imports, admin, "devices", exported)
    preview = imports.preview(admin, "devices", table, mapping, values)
    assert {r.action for r in preview.rows} == {SAME}, [(r.problems, r.notes) for r in preview.rows]
    # the file says 貸出中 for a device the desk has 貸出可: not refused, the desk's state is kept
    on_loan = exported.decode("utf-8-sig").replace("修理中", "貸出中").encode("utf-8-sig")
    table, mapping, values = _open(imports, admin, "devices", on_loan)
    preview = imports.preview(admin, "devices", table, mapping, values)
    assert preview.count(ERROR) == 0 and any("状態は変えません" in n for r in preview.rows for n in r.notes)
    imports.run(admin, "devices", table, mapping, values)
    assert services.inventory.get(admin, devices[1].id).state == "repair"
    assert [(a.name, a.count) for a in services.inventory.models(admin)[0].accessories] == [
        ("充電器", 1),
        ("ケース", 2),
    ]
    assert services.inventory.get(admin, devices[0].id).notes == "-注意"  # the formula guard is not stored


def test_a_sparse_file_updates_only_what_it_holds(imports, services, admin):
    """管理番号 and 保管場所 only: the place changes, the model, maker and serial stay."""
    from kyodo_desk.services.inventory import DeviceInput

    model = services.inventory.save_model(admin, "tablet", "Apple", "iPad", [])
    device = services.inventory.create(admin, DeviceInput(model.id, serial="SN1", storage_place="棚A"))
    text = f"管理番号,保管場所,型番\n{device.asset_tag.lower()},棚B,iPad\n"
    table, mapping, values = _open(imports, admin, "devices", text.encode("utf-8"))
    preview = imports.preview(admin, "devices", table, mapping, values)
    assert [r.action for r in preview.rows] == [UPDATE]
    imports.run(admin, "devices", table, mapping, values)
    after = services.inventory.get(admin, device.id)
    assert (after.storage_place, after.serial, after.model.id) == ("棚B", "SN1", model.id)


def test_formula_guard_apostrophe_is_removed_on_reimport(imports, services, admin):
    services.inventory.save_model(admin, "tablet", "Apple", "iPad", [])
    text = "管理番号,種別,メーカー,型番,シリアル番号,備考\nKD-0100,タブレット,Apple,iPad,'-123,'=1+1\n"
    table, mapping, values = _open(imports, admin, "devices", text.encode("utf-8"))
    imports.run(admin, "devices", table, mapping, values)
    device = services.inventory.by_tag(admin, "KD-0100")
    assert device.serial == "-123" and device.notes == "=1+1"


def test_one_bad_row_writes_nothing_unless_error_rows_are_skipped(imports, services, admin):
    text = (
        "種別,型番,シリアル番号,購入日\n"
        "タブレット,iPad,A1,2024/4/1\n"
        "電子レンジ,X,A2,2024/4/1\n"
        "タブレット,iPad,A3,2024/13/1\n"
        f"タブレット,iPad,{'S' * 101},\n"
    )
    table, mapping, values = _open(imports, admin, "devices", text.encode("utf-8"))
    preview = imports.preview(admin, "devices", table, mapping, values)
    assert [r.action for r in preview.rows] == [NEW, ERROR, ERROR, ERROR]
    assert "種別「電子レンジ」がわかりません" in preview.rows[1].problems[0]
    assert "購入日「2024/13/1」" in preview.rows[2].problems[0]
    assert "「シリアル番号」は100文字以内" in preview.rows[3].problems[0]  # the write session's own limit
    assert [u.value for u in preview.unknown] == ["電子レンジ"]
    with pytest.raises(ImportRowsRefused) as refused:
        imports.run(admin, "devices", table, mapping, values)
    assert "3行目" in str(refused.value) and services.inventory.count(admin) == 0
    # the person maps 電子レンジ once → その他, and leaves the other error rows out
    values = {"kind": {preview.unknown[0].folded: "other"}}
    result = imports.run(admin, "devices", table, mapping, values, skip_errors=True)
    assert (result.created, result.skipped) == (2, 2)
    _t, _m, remembered = _open(imports, admin, "devices", text.encode("utf-8"))
    assert remembered == {"kind": {"電子レンジ": "other"}}


def test_wrong_file_types_are_refused_naming_what_was_expected(imports, admin):
    for data, what in [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "PNG"),
        (b"%PDF-1.7\n", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, ".xls"),
    ]:
        with pytest.raises(ImportFileRefused) as refused:
            imports.open_file(admin, "devices", data, "x")
        assert "Excel (.xlsx) か CSV のファイルを選んでください" in str(refused.value) and what in str(refused.value)
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(ImportFileRefused, match="ZIP"):
        imports.open_file(admin, "devices", buf.getvalue(), "x.zip")


def test_a_140000_character_cell_is_an_error_row_not_a_crash(imports, admin):
    text = "種別,型番,備考\nタブレット,iPad," + "あ" * 140_000 + "\nタブレット,iPad,ok\n"
    table, mapping, values = _open(imports, admin, "devices", text.encode("utf-8"))
    preview = imports.preview(admin, "devices", table, mapping, values)
    assert [r.action for r in preview.rows] == [ERROR, NEW]
    assert "長すぎます" in preview.rows[0].problems[0]


def test_organizations_register_with_synonyms_kinds_and_updates(imports, services, admin):
    from kyodo_desk.services.organizations import OrganizationInput

    services.organizations.create(admin, OrganizationInput(kind="npo", name="NPO法人かなざわ", phone="076-111-2222"))
    text = (
        "名称,フリガナ,区分,代表者,TEL,メールアドレス,〒,所在地,備考\n"
        "長町一丁目町会,ナガマチイッチョウメチョウカイ,町内会,山田太郎,076-222-3333,,920-0865,金沢市長町1丁目,\n"
        "NPO法人かなざわ,,NPO,鈴木花子,,info@example.jp,,,\n"
        "ボランティアのわ,,任意団体,,0762223334,,,,\n"
        ",,,,,,,,名前なし\n"
    )
    table, mapping, values = _open(imports, admin, "organizations", text.encode("cp932"))
    assert mapping == (
        "name",
        "name_kana",
        "kind",
        "representative_name",
        "phone",
        "email",
        "postal_code",
        "address",
        "notes",
    )
    preview = imports.preview(admin, "organizations", table, mapping, values)
    assert [r.action for r in preview.rows] == [NEW, UPDATE, NEW, ERROR]
    assert "団体名" in preview.rows[3].problems[0]
    result = imports.run(admin, "organizations", table, mapping, values, skip_errors=True)
    assert (result.created, result.updated, result.skipped) == (2, 1, 1)
    orgs = {o.name: o for o in services.organizations.page(admin)}
    assert orgs["長町一丁目町会"].kind == "neighborhood" and orgs["長町一丁目町会"].postal_code == "920-0865"
    assert orgs["NPO法人かなざわ"].phone == "076-111-2222" and orgs["NPO法人かなざわ"].email == "info@example.jp"
    assert orgs["ボランティアのわ"].kind == "citizen_group"


def test_advisors_register_with_several_fields(imports, services, admin):
    text = "氏名,ふりがな,専門分野,派遣の種類,電話,メール\n北陸一郎,ホクリクイチロウ,会計・広報,,090-1111-2222,\n加賀二郎,,ICT,ICT推進員,,\n能登三子,,料理,,,\n"
    table, mapping, values = _open(imports, admin, "advisors", text.encode("utf-8-sig"))
    preview = imports.preview(admin, "advisors", table, mapping, values)
    assert [r.action for r in preview.rows] == [NEW, NEW, ERROR]
    assert [u.value for u in preview.unknown] == ["料理"]
    result = imports.run(admin, "advisors", table, mapping, {"fields": {"料理": "management"}})
    assert result.created == 3
    roster = {a.name: a for a in services.advisors.list(admin)}
    assert roster["北陸一郎"].fields == ("accounting", "pr_design") and roster["加賀二郎"].dispatch_types == (
        "ict_promoter",
    )
    # the same roster again: nothing changes
    table, mapping, values = _open(imports, admin, "advisors", text.encode("utf-8-sig"))
    assert {r.action for r in imports.preview(admin, "advisors", table, mapping, values).rows} == {SAME}


def test_imports_need_the_edit_permission(imports, admin, ict_actor):
    """An ICT推進員 may not import organizations or advisors (every public method checks first)."""
    from kyodo_desk.services.base import PermissionDenied

    table, mapping, values = imports.open_file(admin, "organizations", "団体名\nA\n".encode())
    calls = [
        lambda kind: imports.open_file(ict_actor, kind, b"x"),
        lambda kind: imports.check_mapping(ict_actor, kind, mapping),
        lambda kind: imports.unknown_values(ict_actor, kind, table, mapping, values),
        lambda kind: imports.preview(ict_actor, kind, table, mapping, values),
        lambda kind: imports.run(ict_actor, kind, table, mapping, values),
    ]
    for kind in ("organizations", "advisors", "nonsense"):
        for call in calls:
            with pytest.raises(PermissionDenied):
                call(kind)
    public = {n for n in dir(ImportService) if not n.startswith("_")}
    assert public == {"open_file", "check_mapping", "unknown_values", "preview", "run"}
