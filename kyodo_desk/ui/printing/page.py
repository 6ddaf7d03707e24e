"""印刷: every printable document, a preview, the system print dialog and PDFで保存….

Documents are built off the GUI thread (the app's task runner) and cached until the page is
shown again; a newer choice cancels an older build.  Printing paints the PDF at 100 % scale
(see ``printer.py``) and writes an audit row through ``PrintingService.record_output``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.documents.base import write_pdf
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _
from kyodo_desk.services.printing import HANDBOOK, BuiltDocument, Paper, PrintableDocument, PrintingService
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.printing.items import DESCRIPTION_ROLE, DocumentItemDelegate
from kyodo_desk.ui.printing.preview import PdfPreview
from kyodo_desk.ui.printing.printer import configure_printer, print_pdf
from kyodo_desk.ui.widgets.page import Card, intro, page_title, plain_label, scaled_font


class _Bridge(QObject):
    """Carries build progress from the worker thread to the inline progress bar."""

    progressed = Signal(int, int, str, int)


def printing_service(ctx: AppContext) -> PrintingService:
    """The context's printing service, or one built from its parts (the data folder decides the handbook)."""
    service = getattr(ctx.services, "printing", None)
    if isinstance(service, PrintingService):
        return service
    return PrintingService(ctx.db, ctx.services.settings, ctx.paths.handbook_override_dir)


class PrintCentrePage(QWidget):
    built = Signal(object)  # BuiltDocument shown in the preview (tests wait on it)
    printed = Signal(int)  # pages sent to the printer
    saved = Signal(str)  # path of a saved PDF

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.service = printing_service(ctx)
        self.cache: dict[tuple[str, Paper], BuiltDocument] = {}
        self.current: BuiltDocument | None = None
        self._generation = 0
        self._task = None
        self._built_inputs: tuple | None = None
        self._bridge = _Bridge(self)
        self._bridge.progressed.connect(self._progress)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.addWidget(page_title(_("印刷")))
        layout.addWidget(
            intro(
                _(
                    "窓口でお渡しするハンドブックや申請用紙を選び、プレビューで確かめてから印刷します。"
                    "どれも実物大(100%)で印刷されます。"
                )
            )
        )
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_left())
        self.preview = PdfPreview()
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([420, 700])
        layout.addWidget(splitter, 1)
        self._fill_list()

    # ------------------------------------------------------------------ layout

    def _build_left(self) -> QWidget:
        left = QWidget()
        col = QVBoxLayout(left)
        col.setContentsMargins(0, 0, 8, 0)
        self.list = QListWidget()
        self.list.setObjectName("printables")
        self.list.setWordWrap(True)
        self.list.setItemDelegate(DocumentItemDelegate(self.list))
        self.list.setSpacing(2)
        self.list.currentRowChanged.connect(self._selection_changed)
        col.addWidget(self.list, 1)

        card = Card(_("印刷のしかた"))
        self.description = plain_label()
        self.description.setObjectName("selectedDocument")
        self.description.setWordWrap(True)
        self.description.setFont(scaled_font(self.description, 1.05, bold=True))
        card.body.addWidget(self.description)
        form = QFormLayout()
        self.paper = QComboBox()
        self.paper.currentIndexChanged.connect(lambda _i: self._build_current())
        self.copies = QSpinBox()
        self.copies.setRange(1, 200)
        self.copies.setSuffix(_(" 部"))
        form.addRow(_("用紙"), self.paper)
        form.addRow(_("部数"), self.copies)
        card.body.addLayout(form)
        self.source_note = plain_label()
        self.source_note.setObjectName("handbookSource")
        self.source_note.setWordWrap(True)
        card.body.addWidget(self.source_note)
        self.hint = plain_label()
        self.hint.setWordWrap(True)
        card.body.addWidget(self.hint)
        self.warnings = plain_label()
        self.warnings.setObjectName("printWarnings")
        self.warnings.setWordWrap(True)
        card.body.addWidget(self.warnings)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        card.body.addWidget(self.progress)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(_("印刷…"))
        self.print_button.setObjectName("primary")
        self.print_button.clicked.connect(self.print_current)
        self.save_button = QPushButton(_("PDFで保存…"))
        self.save_button.clicked.connect(self.save_current)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        card.body.addLayout(buttons)
        col.addWidget(card)
        self._set_ready(False)
        return left

    def _fill_list(self) -> None:
        self.documents: list[PrintableDocument] = self.service.documents()
        self.list.clear()
        for doc in self.documents:
            item = QListWidgetItem(doc.title)
            item.setData(DESCRIPTION_ROLE, doc.description)
            item.setToolTip(doc.description)
            self.list.addItem(item)
        self.list.setCurrentRow(0)

    # ------------------------------------------------------------------ state

    def selected(self) -> PrintableDocument | None:
        row = self.list.currentRow()
        return self.documents[row] if 0 <= row < len(self.documents) else None

    def selected_paper(self) -> Paper:
        return Paper(self.paper.currentData() or Paper.A4.value)

    def _set_ready(self, ready: bool) -> None:
        self.print_button.setEnabled(ready)
        self.save_button.setEnabled(ready)

    def _inputs(self) -> tuple:
        """What the built documents depend on: the center's settings and the handbook's files."""
        source = self.service.handbook_source()
        stamps = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in source.folder.glob("*") if p.is_file()))
        return self.service.center(), source.folder, stamps

    def page_shown(self) -> None:
        """Coming back to the page: rebuild if the settings or the handbook's source changed meanwhile."""
        if self.current is None:
            return  # showEvent builds the first document
        inputs = self._inputs()
        if inputs != self._built_inputs:
            self.cache.clear()
            self._selection_changed(self.list.currentRow())

    def showEvent(self, event):  # noqa: N802 - Qt's name
        # Nothing is built until the page is first seen: the handbook takes seconds of CPU.
        super().showEvent(event)
        if self.current is None and (self._task is None or self._task.done):
            self._build_current()

    def _selection_changed(self, _row: int) -> None:
        doc = self.selected()
        if doc is None:
            return
        self.description.setText(doc.title)
        self.paper.blockSignals(True)
        self.paper.clear()
        for paper in doc.papers:
            self.paper.addItem(paper.label(), paper.value)
        self.paper.setEnabled(len(doc.papers) > 1)
        self.paper.blockSignals(False)
        if doc.key == HANDBOOK:
            self.source_note.setText(self._handbook_note())
            self.source_note.show()
        else:
            self.source_note.hide()
        self._build_current()

    def _handbook_note(self) -> str:
        """Which handbook text is used; the data folder's path only for administrators (they place
        an edited text there), desk staff read the plain sentence."""
        source = self.service.handbook_source()
        if self.ctx.require_actor().can(Permission.SETTINGS_EDIT):
            return source.note
        return (
            _("ハンドブックは編集版の原稿を使っています。")
            if source.is_override
            else _("ハンドブックは標準の原稿を使っています。")
        )

    def _build_current(self) -> None:
        doc = self.selected()
        if doc is None or not self.isVisible():
            return
        paper = self.selected_paper()
        self.hint.setText(
            _("プリンターの設定で「両面印刷」と「短辺とじ」を選び、重ねたまま二つ折りにすると冊子になります。")
            if paper is Paper.A5_BOOKLET
            else ""
        )
        self._generation += 1
        generation = self._generation
        if self._task is not None and not self._task.done:
            self._task.cancel()
        cached = self.cache.get((doc.key, paper))
        if cached is not None:
            self._show(cached, generation)
            return
        self._built_inputs = self._inputs()
        self._set_ready(False)
        self.warnings.clear()
        self.preview.clear(_("{title} を準備しています…").format(title=doc.title))
        self.progress.setRange(0, 0)
        self.progress.show()
        actor, service, bridge = self.ctx.require_actor(), self.service, self._bridge
        key = doc.key

        def work(progress):
            last = [None]

            def both(done, total, text):
                state = (min(100, 100 * done // max(total, 1)), text)
                if state == last[0]:  # hundreds of calls per build; pass on only visible changes
                    return
                last[0] = state
                progress(done, total, text)  # raises Cancelled when a newer choice replaced this one
                bridge.progressed.emit(done, total, text, generation)

            return service.build(actor, key, paper, progress=both)

        self._task = self.ctx.tasks.run(
            work,
            on_done=lambda result: self._show(result, generation),
            on_error=lambda exc: self._failed(exc, generation),
            owner=self,
        )

    def _progress(self, done: int, total: int, text: str, generation: int) -> None:
        if generation == self._generation:
            self.progress.setRange(0, 100)
            self.progress.setValue(min(100, 100 * done // max(total, 1)))
            self.progress.setFormat(f"{text} %p%")

    def _show(self, result: BuiltDocument, generation: int) -> None:
        self.cache[(result.key, result.paper)] = result
        if generation != self._generation:
            return
        self.progress.hide()
        self.current = result
        self.warnings.setText("\n".join(_("注意: {m}").format(m=w) for w in result.warnings))
        self.preview.load_bytes(result.data, f"{result.title}({result.paper.short_label()})")
        self._set_ready(True)
        self.built.emit(result)

    def _failed(self, exc: BaseException, generation: int) -> None:
        if generation != self._generation:
            return
        self.progress.hide()
        self.preview.clear(_("作れませんでした。"))
        report_error(self, exc, self.ctx.log_file)

    # ------------------------------------------------------------------ output

    def choose_printer(self, doc: BuiltDocument) -> QPrinter | None:
        """The system print dialog, preset for *doc*; None when cancelled."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        configure_printer(
            printer, landscape=doc.landscape, duplex_short_edge=doc.duplex_short_edge, copies=self.copies.value()
        )
        printer.setDocName(doc.title)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("印刷 — {title}").format(title=doc.title))
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return None
        return printer

    def print_current(self) -> None:
        doc = self.current
        if doc is None:
            return
        printer = self.choose_printer(doc)
        if printer is None:
            return
        copies = max(1, printer.copyCount())
        actor, service, data = self.ctx.require_actor(), self.service, doc.data

        def work(progress):
            pages = print_pdf(data, printer, progress=progress)
            service.record_output(actor, doc, copies=copies, destination="printer")
            return pages

        def done(pages: int) -> None:
            self._printer = None
            self.printed.emit(pages)

        self._printer = printer  # keep it alive while the worker paints on it
        self.ctx.tasks.run(work, _("印刷しています…"), on_done=done, owner=self, cancellable=True, write=True)

    def save_current(self) -> None:
        doc = self.current
        if doc is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        path, _filter = QFileDialog.getSaveFileName(
            self, _("PDFで保存"), str(Path(folder) / doc.suggested_filename), _("PDF ファイル (*.pdf)")
        )
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        actor, service = self.ctx.require_actor(), self.service

        def work(_progress):
            write_pdf(path, doc.data)
            service.record_output(actor, doc, copies=1, destination="pdf")
            return path

        self.ctx.tasks.run(work, on_done=lambda p: self.saved.emit(p), owner=self, write=True)
