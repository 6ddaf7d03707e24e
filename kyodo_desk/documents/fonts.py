"""The Japanese typeface: BIZ UDGothic, shipped with the app, registered for ReportLab (and Qt via app.py).

Decision — **every PDF uses the bundled face, always.**  BIZ UDゴシック (Morisawa, SIL Open Font
License 1.1; ``resources/fonts/`` holds Regular, Bold and ``OFL.txt``) is a universal-design face
made for public documents, and the handbook, forms and label sheets were laid out with its metrics.
Using the bundled file on every PC means a form printed at desk 1 and at desk 2, on Windows or on
Linux, breaks its lines at the same places and never overflows a box because a PC happened to have
Meiryo instead; and a fresh machine needs no font installed at all.

The **screen** uses the bundled face too, unless this desk's preference (設定 → この端末 → フォント)
names another Japanese TrueType family installed on the PC (Yu Gothic, Meiryo, ...): how the
screen looks is a matter of taste and eyesight at that desk; paper is the center's.

Only TrueType outlines are considered (ReportLab cannot embed OTF/CFF fonts such as Noto Sans CJK).
When the bundled file is missing or damaged (a broken install), :class:`FontNotFound` says which
file and that the app must be reinstalled — there is no silent fallback to a different face.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kyodo_desk.config import resource_dir
from kyodo_desk.i18n import _

BUNDLED_FAMILY = "BIZ UDGothic"
BUNDLED_REGULAR = "BIZUDGothic-Regular.ttf"
BUNDLED_BOLD = "BIZUDGothic-Bold.ttf"

# Other Japanese TrueType families a desk may choose for the screen:
# (family shown to the user, regular file names, bold file names, subfont index for .ttc)
_SYSTEM_CANDIDATES: tuple[tuple[str, tuple[str, ...], tuple[str, ...], int], ...] = (
    (
        "BIZ UDPGothic",
        ("BIZUDPGothic-Regular.ttf", "BIZ-UDGothicR.ttc"),
        ("BIZUDPGothic-Bold.ttf", "BIZ-UDGothicB.ttc"),
        0,
    ),
    ("Yu Gothic", ("YuGothR.ttc", "YuGothM.ttc"), ("YuGothB.ttc",), 0),
    ("Meiryo", ("meiryo.ttc",), ("meiryob.ttc",), 0),
    ("IPAexGothic", ("ipaexg.ttf",), (), 0),
    ("IPAGothic", ("ipag.ttf",), (), 0),
    ("TakaoGothic", ("TakaoGothic.ttf",), (), 0),
)


class FontNotFound(RuntimeError):
    """The bundled font file is missing or unreadable (the installation is broken)."""


@dataclass(frozen=True)
class JapaneseFont:
    family: str
    regular: Path
    bold: Path | None
    subfont_index: int = 0
    bundled: bool = False

    @property
    def reportlab_name(self) -> str:
        return "KyodoJP"

    @property
    def reportlab_bold_name(self) -> str:
        return "KyodoJP-Bold" if self.bold else "KyodoJP"


def bundled_font_dir() -> Path:
    return resource_dir() / "fonts"


def broken_install_message(path: Path, problem: str) -> str:
    return _(
        "同梱の日本語フォント {path} を読み込めません({problem})。インストールが壊れています。"
        "協働デスクをインストールし直してください。"
    ).format(path=path, problem=problem)


def _check_truetype(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except FileNotFoundError:
        raise FontNotFound(broken_install_message(path, _("ファイルがありません"))) from None
    except OSError as exc:
        raise FontNotFound(broken_install_message(path, str(exc))) from exc
    if head not in (b"\x00\x01\x00\x00", b"true", b"ttcf"):
        raise FontNotFound(broken_install_message(path, _("TrueType フォントではありません")))


def bundled_font() -> JapaneseFont:
    """BIZ UDGothic from ``resources/fonts``; raises :class:`FontNotFound` if a file is missing or not TrueType."""
    folder = bundled_font_dir()
    regular, bold = folder / BUNDLED_REGULAR, folder / BUNDLED_BOLD
    _check_truetype(regular)
    _check_truetype(bold)
    return JapaneseFont(BUNDLED_FAMILY, regular, bold, 0, bundled=True)


def font_dirs(platform: str | None = None) -> list[Path]:
    """Folders with installed fonts on this PC (for the screen font a desk may choose)."""
    platform = platform or sys.platform
    dirs: list[Path] = []
    extra = os.environ.get("KYODO_DESK_FONT_DIR")
    if extra:
        dirs.append(Path(extra))
    if platform == "win32":
        dirs.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:  # fonts installed "for this user only" (Windows 10 1809+)
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    elif platform == "darwin":
        dirs += [Path("/Library/Fonts"), Path("/System/Library/Fonts"), Path.home() / "Library/Fonts"]
    else:
        dirs += [
            Path("/usr/share/fonts"),
            Path("/usr/local/share/fonts"),
            Path.home() / ".local/share/fonts",
            Path.home() / ".fonts",
        ]
    return [d for d in dirs if d.is_dir()]


@lru_cache(maxsize=1)
def _index_files() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for d in font_dirs():
        for root, _dirs, files in os.walk(d):
            for name in files:
                if name.lower().endswith((".ttf", ".ttc")):
                    found.setdefault(name.lower(), Path(root) / name)
    return found


def system_fonts(files: dict[str, Path] | None = None) -> list[JapaneseFont]:
    """Japanese TrueType families installed on this PC (other than the bundled one), best first."""
    files = _index_files() if files is None else files
    out = []
    for family, regulars, bolds, index in _SYSTEM_CANDIDATES:
        regular = next((files[n.lower()] for n in regulars if n.lower() in files), None)
        if regular is None:
            continue
        bold = next((files[n.lower()] for n in bolds if n.lower() in files), None)
        out.append(JapaneseFont(family, regular, bold, index))
    return out


def available_fonts() -> list[JapaneseFont]:
    """Screen fonts a desk may choose: the bundled face first, then the installed ones."""
    try:
        first = [bundled_font()]
    except FontNotFound:
        first = []
    return first + system_fonts()


def find_japanese_font(preferred_family: str | None = None) -> JapaneseFont:
    """The screen font: the desk's *preferred_family* when it is installed, else the bundled face.

    Raises :class:`FontNotFound` only when the bundled face is needed and broken.
    """
    if preferred_family and preferred_family != BUNDLED_FAMILY:
        for font in system_fonts():
            if font.family == preferred_family:
                return font
    return bundled_font()


@lru_cache(maxsize=1)
def register_reportlab_font() -> JapaneseFont:
    """Register the bundled face with ReportLab (embedded, subset) as ``KyodoJP`` / ``KyodoJP-Bold``."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    font = bundled_font()
    try:
        pdfmetrics.registerFont(TTFont(font.reportlab_name, str(font.regular)))
        pdfmetrics.registerFont(TTFont(font.reportlab_bold_name, str(font.bold)))
    except TTFError as exc:
        raise FontNotFound(broken_install_message(font.regular.parent, str(exc))) from exc
    addMapping(font.reportlab_name, 0, 0, font.reportlab_name)
    addMapping(font.reportlab_name, 1, 0, font.reportlab_bold_name)
    addMapping(font.reportlab_name, 0, 1, font.reportlab_name)
    addMapping(font.reportlab_name, 1, 1, font.reportlab_bold_name)
    return font
