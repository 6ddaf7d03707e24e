"""The words on buttons and in empty fields follow docs/ui-words.md on every page."""

from __future__ import annotations

import ast
import re
from pathlib import Path

UI = Path(__file__).parents[2] / "kyodo_desk" / "ui"

#: words docs/ui-words.md retired for files and paper, with the word to use instead
RETIRED = {
    "出力": "CSVで保存… / PDFで保存…",
    "書き出": "…で保存",
    "として保存": "PDFで保存…",
    "CSV取込": "CSVから取り込む…",
    "PDF(印刷用)": "プレビュー…",
    "に保存…": "…で保存…",
}
LOOKS_REAL = re.compile(r"^(\+?\d[\d\- ]{5,}|\d{3}-\d{4}|[\w.]+@[\w.]+)$")  # a phone number, postcode or address


def _calls(name_pattern: str):
    """(file, line, first string argument) of calls whose function name matches *name_pattern*."""
    wanted = re.compile(name_pattern)
    for path in sorted(UI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if not wanted.fullmatch(name):
                continue
            arg = node.args[0]
            if (
                isinstance(arg, ast.Call)
                and getattr(arg.func, "id", "") == "_"
                and arg.args
                and isinstance(arg.args[0], ast.Constant)
            ):
                yield path.relative_to(UI), node.lineno, arg.args[0].value, True
            elif isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                yield path.relative_to(UI), node.lineno, arg.value, False
            elif isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "format":
                inner = arg.func.value
                if isinstance(inner, ast.Call) and getattr(inner.func, "id", "") == "_" and inner.args:
                    yield path.relative_to(UI), node.lineno, getattr(inner.args[0], "value", ""), True


def test_buttons_use_one_vocabulary_for_files_and_paper():
    wrong = [
        f"{path}:{line} 「{text}」 → {use}"
        for path, line, text, _translated in _calls(r"QPushButton|addButton|QAction|addAction|setText")
        for word, use in RETIRED.items()
        if word in text and _is_button_label(text)
    ]
    assert wrong == [], "see docs/ui-words.md"


def _is_button_label(text: str) -> bool:
    return len(text) <= 24 and "。" not in text  # messages and sentences may say 保存 in passing


def test_placeholders_are_examples_not_data():
    wrong = [
        f"{path}:{line} {text!r}"
        for path, line, text, _translated in _calls("setPlaceholderText")
        if LOOKS_REAL.match(text.strip())
    ]
    assert wrong == [], "a placeholder that looks like real data: write 例: … (docs/ui-words.md)"


def test_placeholders_are_translated():
    untranslated = [
        f"{path}:{line} {text!r}"
        for path, line, text, translated in _calls("setPlaceholderText")
        if not translated and text.strip()
    ]
    assert untranslated == []
