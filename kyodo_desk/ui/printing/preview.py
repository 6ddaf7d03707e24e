"""A PDF preview: QtPdf's QPdfView over a document held in memory."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kyodo_desk.i18n import _


class PdfPreview(QWidget):
    """Shows PDF bytes page by page (scroll), fitted to the width; ``loaded`` fires when ready."""

    loaded = Signal(int)  # page count

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self._buffer: QBuffer | None = None
        self.view = QPdfView(self)
        self.view.setObjectName("pdfPreview")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.info = QLabel(_("プレビューはまだありません。"))
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.fit_page = QPushButton(_("ページ全体"))
        self.fit_page.setCheckable(True)
        self.fit_page.setToolTip(_("1ページ全体が見えるように縮小します(印刷の大きさは変わりません)"))
        self.fit_page.toggled.connect(self._zoom_changed)
        bar = QHBoxLayout()
        bar.addWidget(self.info, 1)
        bar.addWidget(self.fit_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.document.statusChanged.connect(self._status_changed)

    def load_bytes(self, data: bytes, description: str = "") -> None:
        self._description = description
        old = self._buffer
        self.document.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._buffer = buffer
        self.document.load(buffer)
        if old is not None:
            old.close()
            old.deleteLater()
        self._status_changed(self.document.status())

    def clear(self, message: str = "") -> None:
        self.document.close()
        self.info.setText(message or _("プレビューはまだありません。"))

    @property
    def page_count(self) -> int:
        return self.document.pageCount() if self.document.status() == QPdfDocument.Status.Ready else 0

    def _status_changed(self, status) -> None:
        if status == QPdfDocument.Status.Ready:
            n = self.document.pageCount()
            text = _("{n}ページ").format(n=n)
            if getattr(self, "_description", ""):
                text = f"{self._description} — {text}"
            self.info.setText(text)
            self.loaded.emit(n)
        elif status == QPdfDocument.Status.Error:
            self.info.setText(_("プレビューを表示できませんでした。"))

    def _zoom_changed(self, whole_page: bool) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView if whole_page else QPdfView.ZoomMode.FitToWidth)
