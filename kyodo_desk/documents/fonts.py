"""Find a Japanese TrueType font on this machine and register it with ReportLab.

The same discovery is used by the Qt side (``ui/fonts.py`` adds the file to QFontDatabase), so
screen and paper use one typeface.  Preference order: BIZ UD (Windows 10+ ships it, Debian has
fonts-morisawa-bizud-gothic), Yu Gothic, Meiryo, IPAex, Noto Sans CJK (OTF/CFF fonts can't be
embedded by ReportLab, so only TrueType outlines are considered).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kyodo_desk.i18n import _

# (family shown to the user, file names, subfont index for .ttc)
_CANDIDATES: tuple[tuple[str, tuple[str, ...], tuple[str, ...], int], ...] = (
    ("BIZ UDGothic", ("BIZ-UDGothicR.ttc", "BIZUDGothic-Regular.ttf"), ("BIZ-UDGothicB.ttc", "BIZUDGothic-Bold.ttf"), 0),
    ("BIZ UDPGothic", ("BIZUDPGothic-Regular.ttf",), ("BIZUDPGothic-Bold.ttf",), 0),
    ("Yu Gothic", ("YuGothR.ttc", "YuGothM.ttc"), ("YuGothB.ttc",), 0),
    ("Meiryo", ("meiryo.ttc",), ("meiryob.ttc",), 0),
    ("IPAexGothic", ("ipaexg.ttf",), (), 0),
    ("IPAGothic", ("ipag.ttf",), (), 0),
    ("TakaoGothic", ("TakaoGothic.ttf",), (), 0),
)

def install_hint() -> str:
    return _(
        "日本語フォントが見つかりません。Windows では「BIZ UDゴシック」(Windows 10 以降に標準)か"
        "「游ゴシック」「メイリオ」を、Debian/Ubuntu では `sudo apt-get install fonts-morisawa-bizud-gothic`"
        "(または fonts-ipaexfont-gothic)でインストールしてから、もう一度起動してください。"
    )


class FontNotFound(RuntimeError):
    pass


@dataclass(frozen=True)
class JapaneseFont:
    family: str
    regular: Path
    bold: Path | None
    subfont_index: int = 0

    @property
    def reportlab_name(self) -> str:
        return "KyodoJP"

    @property
    def reportlab_bold_name(self) -> str:
        return "KyodoJP-Bold" if self.bold else "KyodoJP"


def font_dirs() -> list[Path]:
    dirs: list[Path] = []
    extra = os.environ.get("KYODO_DESK_FONT_DIR")
    if extra:
        dirs.append(Path(extra))
    if sys.platform == "win32":  # pragma: no cover - Windows only
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        dirs.append(windir / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    elif sys.platform == "darwin":  # pragma: no cover
        dirs += [Path("/Library/Fonts"), Path("/System/Library/Fonts"), Path.home() / "Library/Fonts"]
    else:
        dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts", Path.home() / ".fonts"]
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


def available_fonts() -> list[JapaneseFont]:
    """Every known Japanese TrueType family present, best first."""
    files = _index_files()
    out = []
    for family, regulars, bolds, index in _CANDIDATES:
        regular = next((files[n.lower()] for n in regulars if n.lower() in files), None)
        if regular is None:
            continue
        bold = next((files[n.lower()] for n in bolds if n.lower() in files), None)
        out.append(JapaneseFont(family, regular, bold, index))
    return out


def find_japanese_font(preferred_family: str | None = None) -> JapaneseFont:
    """The preferred family if present, else the best available; raises :class:`FontNotFound`."""
    fonts = available_fonts()
    if not fonts:
        raise FontNotFound(install_hint())
    if preferred_family:
        for font in fonts:
            if font.family == preferred_family:
                return font
    return fonts[0]


@lru_cache(maxsize=4)
def register_reportlab_font(preferred_family: str | None = None) -> JapaneseFont:
    """Register the Japanese font with ReportLab (embedded, subset) under ``KyodoJP``."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font = find_japanese_font(preferred_family)
    pdfmetrics.registerFont(TTFont(font.reportlab_name, str(font.regular), subfontIndex=font.subfont_index))
    if font.bold:
        pdfmetrics.registerFont(TTFont(font.reportlab_bold_name, str(font.bold), subfontIndex=font.subfont_index))
    addMapping(font.reportlab_name, 0, 0, font.reportlab_name)
    addMapping(font.reportlab_name, 1, 0, font.reportlab_bold_name)
    addMapping(font.reportlab_name, 0, 1, font.reportlab_name)
    addMapping(font.reportlab_name, 1, 1, font.reportlab_bold_name)
    return font
