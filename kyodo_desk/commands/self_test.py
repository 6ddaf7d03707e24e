"""``kyodo-desk --self-test`` — prove that this installation works, frozen or not.

In a temporary data folder (the desk's own data is never touched) it creates and migrates a
database, adds the small demo data, prints a label sheet and reads every code back, builds the
handbook and reads it back, and opens the main window offscreen and closes it.  Each step prints
``OK`` or ``NG`` with its time; the exit code is 0 when all passed, else 1 and the last line names
the step that failed (its traceback goes to the log).

How label codes are read back: the sheet is rendered with QtPdf (PDFium, part of PySide6) at 200 dpi.
Each code is then *decoded* with zxing-cpp when it is importable — the PyInstaller bundle ships it
(2 MB) for exactly this, so the installed program proves on the center's PC that the labels scan.
Without zxing-cpp (a plain ``pip install``, where it is only a test extra) every module of each
printed symbol is sampled and compared with the QR matrix of its asset tag, which proves the sheet
carries the intended, sharply printed code without a decoder; the output says which check ran.
"""

from __future__ import annotations

import io
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kyodo_desk.i18n import N_, _

log = logging.getLogger(__name__)
DPI = 200
LABEL_TEMPLATE = "a4-24"


@dataclass
class SelfTestState:
    home: Path
    values: dict[str, Any] = field(default_factory=dict)


def _database(state: SelfTestState) -> str:
    from kyodo_desk.config import default_paths
    from kyodo_desk.db.engine import Database
    from kyodo_desk.db.migrate import upgrade

    paths = default_paths(state.home)
    paths.ensure()
    url = "sqlite:///" + str(paths.database_file).replace("\\", "/")
    db = Database.from_url(url)
    result = upgrade(db, paths.backup_dir)
    state.values.update(paths=paths, url=url, db=db)
    return _("スキーマ {revision}").format(revision=result.to_revision)


def _demo(state: SelfTestState) -> str:
    from kyodo_desk.services.container import Services
    from kyodo_desk.services.demo import generate

    counts = generate(state.values["db"], size="small")
    services = Services(state.values["db"])
    state.values["services"] = services
    return ", ".join(f"{table} {n}" for table, n in counts.items())


def _labels(state: SelfTestState) -> str:
    from pypdf import PdfReader

    from kyodo_desk.app import render_pdf_pages
    from kyodo_desk.documents.labels import PAGE_H, qr_square
    from kyodo_desk.services.base import SYSTEM
    from kyodo_desk.services.labels import LabelService

    services = state.values["services"]
    labels = LabelService(services.db, services.settings)
    template = labels.templates()[LABEL_TEMPLATE]
    tags = [label.asset_tag for label in labels.label_data(SYSTEM)][: template.per_sheet + 2]
    if not tags:
        raise RuntimeError(_("デモデータに機器がありません"))
    pdf = labels.build(SYSTEM, tags, LABEL_TEMPLATE)
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    missing_text = [tag for tag in tags if tag not in text]
    if missing_text:
        raise RuntimeError(_("ラベルの文字が読めません: {tags}").format(tags=", ".join(missing_text)))
    pages = render_pdf_pages(pdf, DPI)
    read = _reader()
    scale = DPI / 72.0
    wrong = []
    for slot, tag in enumerate(tags):
        x, y = template.position(slot)
        qx, qy, size = qr_square(template, x, y)
        box = (
            int(qx * scale),
            int((PAGE_H - qy - size) * scale),
            int((qx + size) * scale) + 1,
            int((PAGE_H - qy) * scale) + 1,
        )
        crop = pages[slot // template.per_sheet].crop(box)
        if not read(crop, tag, template.error_correction):
            wrong.append(tag)
    if wrong:
        raise RuntimeError(_("読み取れないQRコードがあります: {tags}").format(tags=", ".join(wrong)))
    how = "zxing-cpp" if read is _decode_with_zxing else _("模様の照合(zxing-cpp なし)")
    return _("{n}枚のラベル・{pages}ページ、すべてのコードを確認({how})").format(n=len(tags), pages=len(pages), how=how)


def _reader() -> Callable[[Any, str, str], bool]:
    try:
        import zxingcpp  # noqa: F401
    except ImportError:
        return _matches_matrix
    return _decode_with_zxing


def _decode_with_zxing(crop, tag: str, _level: str) -> bool:
    import zxingcpp

    return [r.text for r in zxingcpp.read_barcodes(crop)] == [tag]


def _matches_matrix(crop, tag: str, level: str) -> bool:
    """Every module of the printed symbol has the colour the QR matrix of *tag* says."""
    from kyodo_desk.documents.labels import QUIET_ZONE, label_matrix

    matrix = label_matrix(tag, level)
    count = len(matrix) + 2 * QUIET_ZONE
    module = crop.width / count
    if module < 2.5:  # fewer than ~2.5 px per module at 200 dpi: too small to print reliably
        return False
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            px = crop.getpixel((int((QUIET_ZONE + c + 0.5) * module), int((QUIET_ZONE + r + 0.5) * module)))
            if (px < 96) != dark or (not dark and px < 200):
                return False
    return True


def _handbook(state: SelfTestState) -> str:
    from pypdf import PdfReader

    from kyodo_desk.services.base import SYSTEM
    from kyodo_desk.services.printing import HANDBOOK, Paper, PrintingService

    services = state.values["services"]
    printing = PrintingService(services.db, services.settings, state.values["paths"].handbook_override_dir)
    doc = printing.build(SYSTEM, HANDBOOK, Paper.A4)
    reader = PdfReader(io.BytesIO(doc.data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    fonts = {
        str(f.get_object().get("/BaseFont"))
        for page in reader.pages
        for f in (page["/Resources"].get("/Font") or {}).values()
    }
    if len(reader.pages) != doc.pages or len(reader.pages) < 4:
        raise RuntimeError(_("ハンドブックのページ数がおかしい: {n}").format(n=len(reader.pages)))
    if "パートナーシップ" not in text or "\ufffd" in text:
        raise RuntimeError(_("ハンドブックの文字が読めません"))
    if not any("BIZUDGothic" in name for name in fonts):
        raise RuntimeError(_("同梱フォントが埋め込まれていません: {fonts}").format(fonts=", ".join(sorted(fonts))))
    return _("A4 {n}ページ、BIZ UDゴシック埋め込み").format(n=len(reader.pages))


def _window(state: SelfTestState) -> str:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before the QApplication exists
    from kyodo_desk.app import open_main_window_once
    from kyodo_desk.domain.enums import StaffRole

    services = state.values["services"]
    admin = next(s for s in services.staff.list() if s.role == StaffRole.ADMIN)
    title = open_main_window_once(state.values["paths"], state.values["url"], admin.as_actor())
    return _("「{title}」を開いて閉じました").format(title=title)


STEPS: list[tuple[str, Callable[[SelfTestState], str]]] = [
    (N_("データベースの作成と更新"), _database),
    (N_("デモデータ"), _demo),
    (N_("ラベルシートの印刷と読み取り"), _labels),
    (N_("ハンドブックの印刷と読み取り"), _handbook),
    (N_("画面を開いて閉じる"), _window),
]


def run_self_test(out=None) -> int:
    """Run every step in a temporary folder; 0 when all passed, else 1 (the failing step is named)."""
    from kyodo_desk import __version__

    out = out or sys.stdout
    frozen = " (frozen)" if getattr(sys, "frozen", False) else ""
    print(
        _("協働デスク {version}{frozen} のセルフテスト").format(version=__version__, frozen=frozen),
        file=out,
        flush=True,
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kyodo-desk-self-test-") as home:
        state = SelfTestState(Path(home))
        try:
            for number, (name, step) in enumerate(STEPS, 1):
                t0 = time.perf_counter()
                label = _(name)
                try:
                    detail = step(state)
                except Exception as exc:  # noqa: BLE001 - every failure must name its step
                    log.exception("self-test step %s failed", name)
                    print(f"NG {number}. {label}: {type(exc).__name__}: {exc}", file=out, flush=True)
                    print(_("セルフテスト失敗: 手順 {n}「{step}」").format(n=number, step=label), file=out, flush=True)
                    return 1
                print(f"OK {number}. {label} ({time.perf_counter() - t0:.1f} s) — {detail}", file=out, flush=True)
        finally:
            db = state.values.get("db")
            if db is not None:
                db.engine.dispose()
    print(_("セルフテスト成功({sec:.1f} 秒)").format(sec=time.perf_counter() - started), file=out, flush=True)
    return 0
