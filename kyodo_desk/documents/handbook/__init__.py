"""The partnership handbook (金沢版パートナーシップをすすめるハンドブック): Markdown source → PDF."""

from kyodo_desk.documents.handbook.layout import HandbookPDF, build_handbook
from kyodo_desk.documents.handbook.source import (
    HandbookSource,
    HandbookSourceError,
    TitlePage,
    choose_handbook_dir,
    load_handbook,
    shipped_handbook_dir,
)

__all__ = [
    "HandbookPDF",
    "HandbookSource",
    "HandbookSourceError",
    "TitlePage",
    "build_handbook",
    "choose_handbook_dir",
    "load_handbook",
    "shipped_handbook_dir",
]
