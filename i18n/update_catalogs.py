"""Re-extract translatable strings and merge them into the ja and en catalogues.

    python i18n/update_catalogs.py

1. ``pybabel extract`` over kyodo_desk/ (keywords _, N_, ngettext) → i18n/kyodo_desk.pot
2. ``pybabel update`` (or ``init`` the first time) for ja and en
Then translate new entries in i18n/en/LC_MESSAGES/kyodo_desk.po.  The Japanese catalogue keeps
msgstr empty: msgids are Japanese, so gettext falls back to them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "i18n"
POT = I18N / "kyodo_desk.pot"


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def main() -> int:
    pybabel(
        "extract",
        "-F",
        str(I18N / "babel.cfg"),
        "-k",
        "_",
        "-k",
        "N_",
        "-k",
        "ngettext:1,2",
        "--no-location",
        "--sort-output",
        "--project",
        "Kyodo Desk",
        "--copyright-holder",
        "Kyodo Desk developers",
        "-o",
        str(POT),
        "kyodo_desk",
    )
    for lang in ("ja", "en"):
        po = I18N / lang / "LC_MESSAGES" / "kyodo_desk.po"
        if po.exists():
            pybabel(
                "update",
                "-i",
                str(POT),
                "-d",
                str(I18N),
                "-D",
                "kyodo_desk",
                "-l",
                lang,
                "--no-fuzzy-matching",
                "--ignore-obsolete",
            )
        else:
            pybabel("init", "-i", str(POT), "-d", str(I18N), "-D", "kyodo_desk", "-l", lang)
    return 0


if __name__ == "__main__":
    sys.exit(main())
