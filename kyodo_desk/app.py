"""Composition root of the desktop app.

``run_gui`` builds one :class:`AppContext` (paths, this desk's preferences, the database, the
services, the task runner, the events bus, who is at the desk) and hands it to the main window.
Nothing here is global; widgets get what they need from the context.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from kyodo_desk import __version__
from kyodo_desk.config import AppPaths, LocalPreferences, load_preferences, resolve_database_url
from kyodo_desk.db.engine import Database, NetworkShareError
from kyodo_desk.documents import fonts
from kyodo_desk.i18n import _, setup_i18n
from kyodo_desk.redact import safe_message
from kyodo_desk.services.container import Services
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import ErrorReporter, install_excepthook
from kyodo_desk.ui.events import EventBus
from kyodo_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

__all__ = ["AppContext", "build_context", "run_gui"]


def install_qt_translations(app: QApplication, language: str) -> list[QTranslator]:
    """Qt's own texts (OK/Cancel, context menus, date pickers) in the desk's language."""
    translators: list[QTranslator] = []
    if language != "ja":
        return translators
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_ja", "qt_ja"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            translators.append(translator)
            break
    else:
        log.warning("Qt's Japanese catalogue (qtbase_ja.qm) not found in %s", folder)
    QLocale.setDefault(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
    return translators


def apply_japanese_font(app: QApplication, prefs: LocalPreferences) -> str | None:
    """Register the screen font with Qt and make it the app font.

    The bundled BIZ UDGothic (``resources/fonts``) unless this desk's preference names another
    installed Japanese family (see :mod:`kyodo_desk.documents.fonts` for why PDFs always use the
    bundled face).  Returns None on success, or the message saying the installation is broken.
    """
    try:
        font = fonts.find_japanese_font(prefs.font_family)
    except fonts.FontNotFound as exc:
        log.error("bundled font unusable: %s", exc)
        return str(exc)
    family = font.family
    for path in (font.regular, font.bold):
        if path is None:
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("Qt could not load font file %s", path)
            if path == font.regular and font.bundled:
                return fonts.broken_install_message(path, "Qt")
        elif path == font.regular:
            family = (QFontDatabase.applicationFontFamilies(font_id) or [family])[0]
    qfont = QFont(family)
    qfont.setPointSize(max(8, int(prefs.font_point_size or 11)))
    app.setFont(qfont)
    return None


def _without_password(url: str) -> str:
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL has no password we could hide
        return url


def build_context(paths: AppPaths, prefs: LocalPreferences, database_url: str, db: Database) -> AppContext:
    """The one AppContext of this process (also used by tests)."""
    services = Services(db)
    tasks = TaskRunner(ErrorReporter(paths.log_file))
    events = EventBus(services.changes, tasks)
    return AppContext(
        paths=paths, prefs=prefs, database_url=database_url, db=db, services=services, tasks=tasks, events=events
    )


def _upgrade_database(ctx: AppContext) -> bool:
    """SQLite: apply migrations (backed up first) with a progress dialog if it takes a while.
    PostgreSQL (shared): only check that the schema is this desk's version — never migrate it here."""
    from kyodo_desk.db.migrate import NewerDatabaseError, OlderSchemaError, prepare_at_start
    from kyodo_desk.ui.database_checks import backup_keep

    db, backup_dir, keep = ctx.db, ctx.paths.backup_dir, backup_keep(ctx)
    try:
        result = ctx.tasks.call(
            lambda _p: prepare_at_start(db, backup_dir, keep=keep), _("データベースを準備しています…"), write=True
        )
    except NewerDatabaseError as exc:
        log.error("database is from a newer version: %s > %s", exc.db_revision, exc.our_revision)
        QMessageBox.critical(None, _("新しい版のデータベースです"), str(exc))
        return False
    except OlderSchemaError as exc:
        log.error("shared database schema %s is older than this desk's %s", exc.db_revision, exc.our_revision)
        QMessageBox.critical(None, _("データベースの更新が必要です"), str(exc))
        return False
    except Exception as exc:  # noqa: BLE001 - the user must learn why the app cannot start
        log.exception("database upgrade failed")
        QMessageBox.critical(
            None,
            _("データベースを準備できません"),
            _(
                "データベースの更新に失敗したため起動できません。\n\n{error}\n\n詳しくはログ {log} を見てください。"
            ).format(error=safe_message(exc), log=ctx.paths.log_file),
        )
        return False
    if result.changed:
        log.info("database upgraded %s → %s (backup: %s)", result.from_revision, result.to_revision, result.backup)
    return True


def run_gui(paths: AppPaths, database: str | None = None, language: str | None = None) -> int:
    """Start the desktop app; returns the process exit code."""
    prefs = load_preferences(paths)
    language = setup_i18n(language or prefs.language)
    app = QApplication.instance() or QApplication(sys.argv[:1])  # reuse one the caller (a test) made
    app.setApplicationName(_("協働デスク"))
    app.setApplicationVersion(__version__)
    app.setOrganizationName("KanazawaCivicCenter")
    translators = install_qt_translations(app, language)  # noqa: F841 - must stay alive
    hook = install_excepthook(paths.log_file)  # noqa: F841
    font_problem = apply_japanese_font(app, prefs)
    if font_problem:
        QMessageBox.warning(None, _("フォントを読み込めません"), font_problem)

    database_url = resolve_database_url(database, paths)
    try:
        db = Database.from_url(database_url)
    except NetworkShareError as exc:
        QMessageBox.critical(None, _("このデータベースは使えません"), str(exc))
        return 1
    except Exception as exc:  # noqa: BLE001 - a bad URL or a missing driver: say so, then stop
        shown = _without_password(database_url)
        log.exception("cannot open database %s", shown)
        QMessageBox.critical(
            None,
            _("データベースを開けません"),
            _("データベース {url} を開けませんでした。\n\n{error}\n\n詳しくはログ {log} を見てください。").format(
                url=shown, error=safe_message(exc), log=paths.log_file
            ),
        )
        return 1
    ctx = build_context(paths, prefs, database_url, db)
    window = None
    try:
        from kyodo_desk.ui import database_checks

        if not database_checks.check_database_file(ctx) or not _upgrade_database(ctx):
            return 1
        database_checks.daily_backup(ctx)
        from kyodo_desk.ui.main_window import MainWindow
        from kyodo_desk.ui.signin import sign_in_at_start

        ctx.actor = sign_in_at_start(ctx)
        if ctx.actor is None:
            return 0
        window = MainWindow(ctx)
        window.show_on_screen()  # maximised on a small laptop screen
        ctx.events.start_polling()
        return app.exec()
    finally:
        _tear_down(ctx, window)


def _tear_down(ctx: AppContext, window) -> None:
    """Stop background work, then delete the window and the context's Qt objects in a fixed order
    while the QApplication still exists (left to the garbage collector, PySide may free a wrapper
    whose C++ object is already gone and crash on exit)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    ctx.shutdown()
    if window is not None:
        window.close()
        window.deleteLater()
    ctx.events.deleteLater()
    ctx.tasks.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


# ---- the Qt half of ``kyodo-desk --self-test`` (commands/self_test.py stays free of Qt) ----------


def render_pdf_pages(data: bytes, dpi: int = 200):
    """Grayscale Pillow images of every page of *data*, rendered with QtPdf (PDFium) on white."""
    from PIL import Image
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtGui import QImage
    from PySide6.QtPdf import QPdfDocument

    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready:
        raise RuntimeError(f"QtPdf cannot open the PDF ({document.error().name})")
    pages = []
    for index in range(document.pageCount()):
        size = document.pagePointSize(index)
        image = document.render(index, QSize(round(size.width() * dpi / 72), round(size.height() * dpi / 72)))
        image = image.convertToFormat(QImage.Format.Format_RGBA8888)
        rgba = Image.frombuffer(
            "RGBA", (image.width(), image.height()), bytes(image.constBits()), "raw", "RGBA", image.bytesPerLine(), 1
        )
        page = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        page.alpha_composite(rgba)
        pages.append(page.convert("L"))
    document.close()
    return pages


def open_main_window_once(paths: AppPaths, database_url: str, actor) -> str:
    """Open the main window offscreen as *actor*, let its first page load, close it.

    Returns the window title; raises RuntimeError when the window or its first page reported an error.
    """
    from PySide6.QtCore import QCoreApplication

    from kyodo_desk.ui.errors import ExceptHook
    from kyodo_desk.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(["kyodo-desk", "-platform", "offscreen"])
    problem = apply_japanese_font(app, LocalPreferences())
    if problem:
        raise RuntimeError(problem)
    hook = ExceptHook(paths.log_file, modal=False)
    previous_hook, sys.excepthook = sys.excepthook, hook
    db = Database.from_url(database_url)
    ctx = build_context(paths, LocalPreferences(), database_url, db)
    ctx.actor = actor
    window = None
    try:
        window = MainWindow(ctx)
        window.show()
        for _round in range(3):  # first page's queries run on workers; deliver their results
            QCoreApplication.processEvents()
            ctx.tasks.wait_for_done(30_000)
            QCoreApplication.processEvents()
        title = window.windowTitle()
        boxes = ctx.tasks.report_error.open_boxes
        if hook.last_box is not None or boxes:
            shown = hook.last_box or boxes[0]
            raise RuntimeError(shown.text())
        if not window.isVisible():
            raise RuntimeError("the main window did not open")
        return title
    finally:
        sys.excepthook = previous_hook
        _tear_down(ctx, window)
        db.engine.dispose()
