"""PrintingService: the catalogue, permission, audit of each output, handbook source choice."""

from __future__ import annotations

import pytest

from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.printing import FORM_PREFIX, HANDBOOK, Paper, PrintingService
from tests.documents.conftest import pdf_text


@pytest.fixture
def printing(services, tmp_path):
    return PrintingService(services.db, services.settings, tmp_path / "data" / "handbook")


def test_catalogue_lists_handbook_and_every_form(printing):
    docs = {d.key: d for d in printing.documents()}
    assert docs[HANDBOOK].papers == (Paper.A4, Paper.A5_BOOKLET)
    for name in ("lending", "dispatch", "registration", "consultation"):
        assert docs[FORM_PREFIX + name].papers == (Paper.A4,)
        assert docs[FORM_PREFIX + name].description


def test_build_uses_the_center_settings(printing, services, admin):
    services.settings.update(
        admin, services.settings.get().with_changes(center_name="テスト市民活動センター", phone="076-111-2222")
    )
    doc = printing.build(admin, FORM_PREFIX + "lending")
    text = pdf_text(doc.data)
    assert "テスト市民活動センター" in text and "076-111-2222" in text
    assert doc.pages == 1 and doc.suggested_filename == "機器貸出申請書.pdf"


def test_forms_have_no_booklet(printing, admin):
    with pytest.raises(ServiceError):
        printing.build(admin, FORM_PREFIX + "lending", Paper.A5_BOOKLET)
    with pytest.raises(ServiceError):
        printing.build(admin, "nothing")


def test_record_output_writes_an_audit_row(printing, services, admin, staff_actor):
    doc = printing.build(staff_actor, FORM_PREFIX + "consultation")
    printing.record_output(staff_actor, doc, copies=3, destination="printer")
    rows = services.audit.recent(admin, entity="document")
    assert rows[0].action == "print"
    assert rows[0].staff_name == "田中 健一"
    assert rows[0].detail == "document=form:consultation paper=a4 copies=3 to=printer"


def test_handbook_source_override_is_reported_and_used(printing, admin):
    assert not printing.handbook_source().is_override
    folder = printing.handbook_override_dir
    folder.mkdir(parents=True)
    (folder / "01.md").write_text("# センター独自の章\n\n本文。\n", encoding="utf-8")
    info = printing.handbook_source()
    assert info.is_override and "編集版" in info.note and str(folder) in info.note
    doc = printing.build(admin, HANDBOOK)
    assert "センター独自の章" in pdf_text(doc.data)
    assert "編集版" in doc.note


def test_broken_title_file_gives_a_message_naming_it(printing, admin):
    folder = printing.handbook_override_dir
    folder.mkdir(parents=True)
    (folder / "01.md").write_text("# 章\n", encoding="utf-8")
    (folder / "title.toml").write_text('title = "閉じていない\n', encoding="utf-8")
    with pytest.raises(ServiceError, match="title.toml"):
        printing.build(admin, HANDBOOK)
