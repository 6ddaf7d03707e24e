"""Bringing the center's existing spreadsheets in: devices, organizations (団体名簿) and advisors.

reading.py (the file → a table), fields.py (fields, heading synonyms, coded values), plan.py (the
preview), devices.py / organizations.py / advisors.py (plan and write per kind), service.py (the flow).
"""

from kyodo_desk.services.imports.plan import ImportResult, ImportRowsRefused, Preview, PreviewRow, UnknownValue
from kyodo_desk.services.imports.reading import ImportFileRefused, Table, read_table
from kyodo_desk.services.imports.service import ImportService

__all__ = [
    "ImportFileRefused",
    "ImportResult",
    "ImportRowsRefused",
    "ImportService",
    "Preview",
    "PreviewRow",
    "Table",
    "UnknownValue",
    "read_table",
]
