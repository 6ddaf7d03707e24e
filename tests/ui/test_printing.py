"""The 印刷 page: list, preview (QtPdf), printing through a PDF-format QPrinter at 100 %, saving."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from kyodo_desk.services.printing import FORM_PREFIX, HANDBOOK, Paper

BUILD_TIMEOUT = 90_000  # ms; the handbook takes a few seconds on a shared 2-core machine


@pytest.fixture
def page(qtbot, make_ctx, admin):
    from kyodo_desk.ui.printing.page import PrintCentrePage

    ctx = make_ctx(admin)
    widget = PrintCentrePage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    with qtbot.waitSignal(widget.built, timeout=BUILD_TIMEOUT):
        widget.show()
    return widget


def pdf_printer(path, *, landscape=False, copies=1) -> QPrinter:
    from kyodo_desk.ui.printing.printer import configure_printer

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    configure_printer(printer, landscape=landscape, duplex_short_edge=landscape, copies=copies)
    return printer


def select(qtbot, page, row: int, paper_index: int | None = None):
    with qtbot.waitSignal(page.built, timeout=BUILD_TIMEOUT) as blocker:
        if paper_index is None:
            page.list.setCurrentRow(row)
        else:
            page.paper.setCurrentIndex(paper_index)
    return blocker.args[0]


def test_lists_every_document_and_previews_the_handbook(page, qtbot):
    assert page.list.count() == 6  # handbook, 4 forms, 個人情報ファイル簿
    assert [page.list.item(i).text() for i in range(6)] == [d.title for d in page.documents]
    assert page.current.key == HANDBOOK and page.current.paper is Paper.A4
    qtbot.waitUntil(lambda: page.preview.page_count == page.current.pages, timeout=10_000)
    assert page.current.pages >= 12
    assert page.paper.isEnabled() and page.paper.count() == 2
    assert "標準の原稿" in page.source_note.text()
    assert page.print_button.isEnabled() and page.save_button.isEnabled()


def test_booklet_preview_is_landscape_and_forms_are_a4_only(page, qtbot):
    booklet = select(qtbot, page, 0, paper_index=1)
    assert booklet.paper is Paper.A5_BOOKLET and booklet.landscape and booklet.duplex_short_edge
    qtbot.waitUntil(lambda: page.preview.page_count == booklet.pages, timeout=10_000)
    size = page.preview.document.pagePointSize(0)
    assert size.width() > size.height()
    assert "短辺とじ" in page.hint.text()

    form = select(qtbot, page, 1)
    assert form.key == FORM_PREFIX + "lending"
    assert not page.paper.isEnabled() and page.paper.count() == 1
    assert not page.source_note.isVisible()
    qtbot.waitUntil(lambda: page.preview.page_count == 1, timeout=10_000)


def test_printing_to_a_pdf_printer_keeps_pages_and_size(page, qtbot, tmp_path):
    from kyodo_desk.ui.printing.printer import print_pdf

    form = select(qtbot, page, 4)
    out = tmp_path / "printed.pdf"
    assert print_pdf(form.data, pdf_printer(out), max_dpi=150) == 1
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) == form.pages == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 1 and abs(float(box.height) - 841.9) < 1  # A4, not shrunk

    booklet = page.service.build(page.ctx.actor, HANDBOOK, Paper.A5_BOOKLET)
    out2 = tmp_path / "booklet.pdf"
    assert print_pdf(booklet.data, pdf_printer(out2, landscape=True), max_dpi=60) == booklet.pages
    reader2 = PdfReader(io.BytesIO(out2.read_bytes()))
    assert len(reader2.pages) == booklet.pages
    assert float(reader2.pages[0].mediabox.width) > float(reader2.pages[0].mediabox.height)


def test_printed_page_is_at_full_scale(page, qtbot, tmp_path):
    """The printed form covers exactly the area the original does (no shrink-to-fit, no offset)."""
    from kyodo_desk.ui.printing.printer import print_pdf
    from tests.pdf_render import render_page

    form = select(qtbot, page, 2)
    (tmp_path / "orig.pdf").write_bytes(form.data)
    print_pdf(form.data, pdf_printer(tmp_path / "printed.pdf"), max_dpi=200)
    boxes = []
    for name in ("orig", "printed"):
        image = render_page((tmp_path / f"{name}.pdf").read_bytes(), 1, dpi=100, gray=True)
        boxes.append((image.size, image.point(lambda v: 255 if v < 128 else 0).getbbox()))
    (size_a, box_a), (size_b, box_b) = boxes
    assert all(abs(x - y) <= 1 for x, y in zip(size_a, size_b)), (size_a, size_b)  # same paper (±0.25 mm rounding)
    # 4 px at 100 dpi = 1 mm (QtPdf renders the printed raster's bottom edge 1 mm higher than the vector
    # original; poppler saw 0.5 mm); shrink-to-fit into a printer's margins moves the edges by 10+ px.
    assert all(abs(x - y) <= 4 for x, y in zip(box_a, box_b)), (box_a, box_b)


def test_print_button_prints_copies_and_writes_the_audit_log(page, qtbot, tmp_path, monkeypatch, services, admin):
    form = select(qtbot, page, 3)
    out = tmp_path / "dialog.pdf"
    page.copies.setValue(2)
    monkeypatch.setattr(page, "choose_printer", lambda doc: pdf_printer(out, copies=page.copies.value()))
    with qtbot.waitSignal(page.printed, timeout=60_000) as blocker:
        page.print_button.click()
    assert blocker.args == [2]  # a PDF printer can't make copies itself: both copies are painted
    assert len(PdfReader(io.BytesIO(out.read_bytes())).pages) == 2 * form.pages
    qtbot.waitUntil(lambda: bool(services.audit.recent(admin, entity="document")), timeout=10_000)
    row = services.audit.recent(admin, entity="document")[0]
    assert row.action == "print" and row.detail == "document=form:registration paper=a4 copies=2 to=printer"


def test_save_as_pdf_writes_the_built_document(page, qtbot, tmp_path, monkeypatch, services, admin):
    from kyodo_desk.ui.printing import page as page_module

    form = select(qtbot, page, 1)
    target = tmp_path / "保存先" / "機器貸出申請書"
    target.parent.mkdir()
    monkeypatch.setattr(page_module.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF"))
    with qtbot.waitSignal(page.saved, timeout=20_000) as blocker:
        page.save_button.click()
    assert blocker.args == [str(target) + ".pdf"]
    assert (tmp_path / "保存先" / "機器貸出申請書.pdf").read_bytes() == form.data
    qtbot.waitUntil(lambda: bool(services.audit.recent(admin, entity="document")), timeout=10_000)
    assert services.audit.recent(admin, entity="document")[0].detail.endswith("to=pdf")


def test_edited_handbook_copy_is_announced_and_used(qtbot, make_ctx, admin):
    from kyodo_desk.ui.printing.page import PrintCentrePage

    ctx = make_ctx(admin)
    folder = ctx.paths.handbook_override_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "01_local.md").write_text("# センターで書いた章\n\n本文。\n", encoding="utf-8")
    widget = PrintCentrePage(ctx)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.built, timeout=BUILD_TIMEOUT) as blocker:
        widget.show()
    assert "編集版" in widget.source_note.text() and str(folder) in widget.source_note.text()
    assert "センターで書いた章" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(blocker.args[0].data)).pages)


def test_desk_staff_are_told_which_handbook_without_a_folder_path(qtbot, make_ctx, staff_actor):
    from kyodo_desk.ui.printing.page import PrintCentrePage

    ctx = make_ctx(staff_actor)
    folder = ctx.paths.handbook_override_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "01_local.md").write_text("# センターで書いた章\n\n本文。\n", encoding="utf-8")
    widget = PrintCentrePage(ctx)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.built, timeout=BUILD_TIMEOUT):
        widget.show()
    assert "編集版" in widget.source_note.text()
    assert str(folder) not in widget.source_note.text() and "/" not in widget.source_note.text()
