"""Every user-facing string in the code is in the catalogues, and English translates all of them."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def _code_msgids() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT / "kyodo_desk"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_english_catalogue_translates_every_string_in_the_code():
    with (ROOT / "i18n" / "en" / "LC_MESSAGES" / "kyodo_desk.po").open("rb") as fh:
        catalog = read_po(fh, locale="en")
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string) and not m.fuzzy
    }
    missing = sorted(_code_msgids() - translated)
    assert missing == [], (
        f"{len(missing)} strings lack an English translation (run python i18n/update_catalogs.py): {missing[:10]}"
    )
