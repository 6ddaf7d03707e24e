"""Helpers for the packaging tests: a throw-away copy of the source tree, environments for subprocesses."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE_FILES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md")
SOURCE_DIRS = ("kyodo_desk", "resources", "i18n")


def copy_source(target: Path) -> Path:
    """The files a build uses, without caches or locally compiled catalogues (what a clean clone has)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in SOURCE_FILES:
        shutil.copy2(ROOT / name, target / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "locale")
    for name in SOURCE_DIRS:
        shutil.copytree(ROOT / name, target / name, ignore=ignore)
    return target


def clean_env(**extra: str) -> dict[str, str]:
    """The environment minus anything that would point Python back at the source checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "KYODO_DESK_", "PYTEST", "VIRTUAL_ENV"))}
    env.update(QT_QPA_PLATFORM="offscreen", **extra)
    return env
