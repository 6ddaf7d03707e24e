"""Where things live on this desk: data, logs, backups, the local settings file, the database URL.

Per-desk preferences (language, data folder, font) live in a small JSON file in the user config
folder, because they belong to this PC.  Center-wide settings (name, address, ...) live in the
database so every desk sees the same values.
"""

from __future__ import annotations

import importlib.resources
import json
import logging
import logging.handlers
import os
import sys
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import platformdirs

APP_NAME = "KyodoDesk"
APP_AUTHOR = "KanazawaCivicCenter"
ENV_DATABASE = "KYODO_DESK_DATABASE"
ENV_HOME = "KYODO_DESK_HOME"  # puts config, data, logs and backups under one folder (tests, portable use)
DB_FILENAME = "kyodo_desk.db"
LOG_FILENAME = "kyodo_desk.log"


@dataclass(frozen=True)
class LocalPreferences:
    language: str = "ja"
    data_dir: str | None = None  # None → platform default
    font_family: str | None = None  # screen font; None → the bundled BIZ UDGothic (PDFs always use it)
    font_point_size: int = 11
    last_staff_id: int | None = None
    label_offset_x_mm: float = 0.0  # this desk's printer: how far labels must move right (mm)
    label_offset_y_mm: float = 0.0  # ... and down (mm); measured with the calibration page

    def with_changes(self, **changes) -> "LocalPreferences":
        return replace(self, **changes)


@dataclass(frozen=True)
class AppPaths:
    config_dir: Path
    data_dir: Path
    log_dir: Path
    backup_dir: Path
    preferences_file: Path = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "preferences_file", self.config_dir / "preferences.json")

    @property
    def database_file(self) -> Path:
        return self.data_dir / DB_FILENAME

    @property
    def log_file(self) -> Path:
        return self.log_dir / LOG_FILENAME

    @property
    def handbook_override_dir(self) -> Path:
        return self.data_dir / "handbook"

    def ensure(self) -> None:
        for folder in (self.config_dir, self.data_dir, self.log_dir, self.backup_dir):
            folder.mkdir(parents=True, exist_ok=True)


def default_paths(home: str | os.PathLike | None = None) -> AppPaths:
    """Platform folders, or everything under *home* / ``$KYODO_DESK_HOME`` when given."""
    home = home or os.environ.get(ENV_HOME)
    if home:
        base = Path(home)
        return AppPaths(base / "config", base / "data", base / "logs", base / "backups")
    dirs = _platform_dirs()
    return AppPaths(
        Path(dirs.user_config_dir),
        Path(dirs.user_data_dir),
        Path(dirs.user_log_dir),
        Path(dirs.user_data_dir) / "backups",
    )


def _platform_dirs() -> platformdirs.api.PlatformDirsABC:
    """The platform's folder conventions, chosen when called (so tests can play Windows on Linux).

    Windows: everything under ``%LOCALAPPDATA%`` (not roaming: a desk's database belongs to its PC),
    ``…\\KanazawaCivicCenter\\KyodoDesk``, logs in its ``Logs`` sub-folder.
    """
    if sys.platform == "win32":
        from platformdirs.windows import Windows

        return Windows(APP_NAME, APP_AUTHOR)
    return platformdirs.PlatformDirs(APP_NAME, APP_AUTHOR)


def load_preferences(paths: AppPaths) -> LocalPreferences:
    try:
        raw = json.loads(paths.preferences_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return LocalPreferences()
    except (OSError, ValueError):
        logging.getLogger(__name__).warning("preferences file unreadable; using defaults", exc_info=True)
        return LocalPreferences()
    known = {k: v for k, v in raw.items() if k in LocalPreferences.__dataclass_fields__}
    return LocalPreferences(**known)


def save_preferences(paths: AppPaths, prefs: LocalPreferences) -> None:
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    tmp = paths.preferences_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(prefs), ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, paths.preferences_file)


def apply_preferences(paths: AppPaths, prefs: LocalPreferences) -> AppPaths:
    """Paths with the user's chosen data folder (backups follow the data)."""
    if prefs.data_dir:
        data = Path(prefs.data_dir)
        return AppPaths(paths.config_dir, data, paths.log_dir, data / "backups")
    return paths


def resolve_database_url(explicit: str | None, paths: AppPaths) -> str:
    """``--database`` beats ``$KYODO_DESK_DATABASE`` beats the SQLite file in the data folder.

    A bare path (``C:\\data\\desk.db``, ``./desk.db``) is turned into a SQLite URL.
    """
    value = explicit or os.environ.get(ENV_DATABASE) or str(paths.database_file)
    if "://" in value:
        return value
    if value.startswith(("\\\\", "//")):
        # A UNC path (\\server\share\desk.db) must stay one: resolving it on POSIX would turn it
        # into a local-looking path and hide that it is a network share (which engine.py refuses).
        return "sqlite:///" + value.replace("\\", "/")
    return "sqlite:///" + str(Path(value).expanduser().resolve()).replace("\\", "/")


def resource_dir() -> Path:
    """The shipped resources (handbook, label templates, fonts).

    Installed (wheel) and frozen (PyInstaller) copies carry them inside the package as
    ``kyodo_desk/resources`` (the wheel's build step copies the top-level ``resources/`` there);
    a source checkout or an editable install reads the top-level ``resources/`` folder itself.
    """
    packaged = Path(str(importlib.resources.files("kyodo_desk"))) / "resources"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "resources"


def setup_logging(paths: AppPaths, *, verbose: bool = False) -> Path:
    """Rotating log file in the log folder (1 MB × 5); returns its path."""
    paths.log_dir.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_kyodo", False):
            root.removeHandler(handler)
    handler = logging.handlers.RotatingFileHandler(paths.log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler._kyodo = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    from kyodo_desk import __version__

    # The first line of every run says which version wrote what follows (support reads logs first).
    logging.getLogger("kyodo_desk").info(
        "Kyodo Desk %s starting (Python %s, %s%s)",
        __version__,
        sys.version.split()[0],
        sys.platform,
        ", frozen" if getattr(sys, "frozen", False) else "",
    )
    return paths.log_file
