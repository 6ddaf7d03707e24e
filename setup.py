"""Build hook: the wheel carries ``resources/`` and compiled gettext catalogues inside the package.

``resources/`` (handbook source, label templates, fonts) stays at the top of the repository where the
administrator and translators find it; ``i18n/*/LC_MESSAGES/*.po`` stay the translators' source.
A wheel build copies ``resources/`` to ``kyodo_desk/resources/`` and compiles each ``.po`` to
``kyodo_desk/locale/<lang>/LC_MESSAGES/kyodo_desk.mo``, which is where ``config.resource_dir`` and
``i18n`` look first.  An editable install reads the top-level folders directly, so nothing is copied.
All metadata is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithResources(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        package = Path(self.build_lib) / "kyodo_desk"
        target = package / "resources"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(ROOT / "resources", target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        self._compile_catalogues(package / "locale")

    @staticmethod
    def _compile_catalogues(target: Path) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        pos = sorted((ROOT / "i18n").glob("*/LC_MESSAGES/kyodo_desk.po"))
        if not pos:
            raise SystemExit("no i18n/*/LC_MESSAGES/kyodo_desk.po to compile")
        for po in pos:
            lang = po.parent.parent.name
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
            out = target / lang / "LC_MESSAGES" / "kyodo_desk.mo"
            out.parent.mkdir(parents=True, exist_ok=True)
            with out.open("wb") as fh:
                write_mo(fh, catalog)


setup(cmdclass={"build_py": BuildPyWithResources})
