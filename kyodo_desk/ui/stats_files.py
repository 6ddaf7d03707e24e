"""Saving a statistics table from its tab: the save dialog offers CSV (for any spreadsheet) and
Excel (.xlsx, figures as numbers); the chosen file's suffix decides which is written."""

from __future__ import annotations

from pathlib import Path

from kyodo_desk.i18n import _

SUFFIXES = (".csv", ".xlsx")


def stats_file_filter() -> str:
    """The save dialog's file types: CSV first (the default), then Excel."""
    return _("CSV ファイル (*.csv);;Excel ブック (*.xlsx)")


def stats_target(path: Path) -> Path:
    """*path* with .csv unless it already ends in .csv or .xlsx."""
    return path if path.suffix.lower() in SUFFIXES else path.with_suffix(".csv")


def write_stats_file(path: Path, stats) -> str:
    """Write *stats* (title, columns, rows) as CSV or .xlsx by *path*'s suffix (on a worker thread)."""
    from kyodo_desk.services.consultation_stats import stats_table, stats_values

    if path.suffix.lower() == ".xlsx":
        from kyodo_desk.documents.xlsx import build_xlsx, stats_sheet, write_xlsx

        write_xlsx(path, build_xlsx([stats_sheet(stats, stats_values(stats))], title=stats.title))
    else:
        from kyodo_desk.services.csv_export import write_csv

        write_csv(path, stats_table(stats))
    return str(path)
