"""Only ui/ and app.py may import PySide6 (the CLI and services must run without Qt)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kyodo_desk"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_pyside6_only_in_ui_and_app():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith("ui/") or rel == "app.py":
            continue
        if "PySide6" in _imports(path):
            offenders.append(rel)
    assert offenders == [], f"PySide6 imported outside ui/ and app.py: {offenders}"


def test_domain_has_no_sqlalchemy():
    offenders = [p.name for p in (PACKAGE / "domain").rglob("*.py") if "sqlalchemy" in _imports(p)]
    assert offenders == []


def test_services_never_import_ui():
    for path in (PACKAGE / "services").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("kyodo_desk.ui"), path
