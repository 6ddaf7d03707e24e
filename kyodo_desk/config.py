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
        """Create the folders (owner-only on POSIX) and tighten ones an older version left open."""
        for folder in (self.config_dir, self.data_dir, self.log_dir, self.backup_dir):
            private_dir(folder)
        older = [self.database_file, *database_side_files(self.database_file)]
        older += [*self.log_dir.glob(LOG_FILENAME + "*"), *(p for p in self.backup_dir.iterdir() if p.is_file())]
        for stale in older:
            private_file(stale)


# ---- owner-only files (POSIX) ---------------------------------------------------------------
# The database, its -wal/-shm, backups and logs hold personal data: 0700 folders, 0600 files.
# SQLite gives -wal/-shm/-journal the permissions of the database file itself, so a 0600 .db
# keeps its side files 0600.  On Windows the folders are under %LOCALAPPDATA%, whose ACL already
# admits only this Windows account (and administrators); chmod there only toggles read-only.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")


def _posix() -> bool:
    return os.name == "posix"


def private_dir(folder: Path) -> Path:
    """``mkdir -p`` with mode 0700 for what it creates; an existing folder is set to 0700."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if _posix():
        try:
            if folder.stat().st_mode & 0o777 != PRIVATE_DIR_MODE:
                folder.chmod(PRIVATE_DIR_MODE)
        except OSError:  # not ours to change (e.g. a folder the administrator shared): leave it
            logging.getLogger(__name__).warning("cannot make %s owner-only", folder)
    return folder


def private_file(path: Path) -> None:
    """Set an existing file to 0600 (a missing one is ignored)."""
    if not _posix():
        return
    try:
        if path.stat().st_mode & 0o777 != PRIVATE_FILE_MODE:
            path.chmod(PRIVATE_FILE_MODE)
    except FileNotFoundError:
        pass
    except OSError:
        logging.getLogger(__name__).warning("cannot make %s owner-only", path)


def create_private_file(path: Path) -> None:
    """Create *path* empty with mode 0600 unless it exists (so SQLite opens it, not the umask)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        private_file(path)
        return
    os.close(fd)
    private_file(path)  # the umask may have narrowed it further; make it exactly 0600


def database_side_files(path: Path) -> list[Path]:
    """The -wal, -shm and -journal files SQLite keeps beside *path*."""
    return [path.with_name(path.name + suffix) for suffix in SIDE_SUFFIXES]


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


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are created 0600 (each rotation opens a new file)."""

    def _open(self):
        if _posix() and not os.path.exists(self.baseFilename):
            create_private_file(Path(self.baseFilename))
        stream = super()._open()
        private_file(Path(self.baseFilename))
        return stream


def setup_logging(paths: AppPaths, *, verbose: bool = False) -> Path:
    """Rotating log file in the log folder (1 MB × 5); returns its path.

    Every process (GUI and batch commands) starts here, so this is also where the data, log and
    backup folders are created owner-only and files an older version left readable are tightened.
    Tracebacks in the file never carry personal values (:class:`kyodo_desk.redact.SafeFormatter`).
    """
    from kyodo_desk.redact import SafeFormatter

    paths.ensure()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_kyodo", False):
            root.removeHandler(handler)
    handler = _PrivateRotatingFileHandler(paths.log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler._kyodo = True  # type: ignore[attr-defined]
    handler.setFormatter(SafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
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
