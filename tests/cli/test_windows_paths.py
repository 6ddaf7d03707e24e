"""Windows correctness without Windows: data folders under %LOCALAPPDATA%, fonts from C:\\Windows\\Fonts,
SQLite on a UNC share or a mapped network drive refused — with the platform monkeypatched."""

from __future__ import annotations

import ctypes
import sys
from pathlib import PureWindowsPath

import platformdirs.windows
import pytest

from kyodo_desk.config import default_paths, resolve_database_url
from kyodo_desk.db import engine
from kyodo_desk.db.engine import Database, NetworkShareError
from kyodo_desk.documents import fonts

LOCAL = r"C:\Users\yamada\AppData\Local"


@pytest.fixture
def windows(monkeypatch):
    """sys.platform is win32 and Windows' known folders come from the environment (as on a real PC)."""
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", LOCAL)
    monkeypatch.setenv("APPDATA", r"C:\Users\yamada\AppData\Roaming")
    monkeypatch.delenv("KYODO_DESK_HOME", raising=False)
    monkeypatch.setattr(platformdirs.windows, "_RESOLVE_WIN_FOLDER", platformdirs.windows.get_win_folder_from_env_vars)
    fonts._index_files.cache_clear()
    yield monkeypatch
    fonts._index_files.cache_clear()


def win(path) -> PureWindowsPath:
    return PureWindowsPath(str(path))


def test_everything_lives_under_localappdata_not_roaming(windows):
    paths = default_paths()
    base = PureWindowsPath(LOCAL, "KanazawaCivicCenter", "KyodoDesk")
    assert win(paths.data_dir) == base
    assert win(paths.database_file) == base / "kyodo_desk.db"
    assert win(paths.preferences_file) == base / "preferences.json"
    assert win(paths.log_file) == base / "Logs" / "kyodo_desk.log"
    assert win(paths.backup_dir) == base / "backups"


def test_home_option_still_wins_on_windows(windows, tmp_path):
    assert default_paths(tmp_path).data_dir == tmp_path / "data"


@pytest.mark.parametrize("share", [r"\\fileserver\kyodo\desk.db", "//fileserver/kyodo/desk.db"])
def test_sqlite_on_a_unc_share_is_refused(windows, tmp_path, share):
    url = resolve_database_url(share, default_paths(tmp_path))
    assert url == "sqlite://///fileserver/kyodo/desk.db"  # the path keeps its leading // (still a share)
    with pytest.raises(NetworkShareError, match="PostgreSQL"):
        Database.from_url(url)


def test_sqlite_on_a_mapped_network_drive_is_refused_and_a_local_drive_is_not(windows):
    asked = []

    class Kernel32:
        @staticmethod
        def GetDriveTypeW(root):  # noqa: N802 - the Windows API's name
            asked.append(root)
            return 4 if root.upper().startswith("Z:") else 3  # DRIVE_REMOTE / DRIVE_FIXED

    windows.setattr(ctypes, "windll", type("windll", (), {"kernel32": Kernel32})(), raising=False)
    assert engine.is_network_path(r"Z:\kyodo\desk.db") is True
    assert engine.is_network_path(r"C:\Users\yamada\AppData\Local\KanazawaCivicCenter\KyodoDesk\kyodo_desk.db") is False
    assert asked == ["Z:\\", "C:\\"]


def test_screen_fonts_are_found_in_windows_fonts_and_the_per_user_folder(windows, tmp_path):
    windir = tmp_path / "Windows"
    (windir / "Fonts").mkdir(parents=True)
    (windir / "Fonts" / "meiryo.ttc").write_bytes(b"ttcf")
    (windir / "Fonts" / "meiryob.ttc").write_bytes(b"ttcf")
    user_fonts = tmp_path / "Local" / "Microsoft" / "Windows" / "Fonts"
    user_fonts.mkdir(parents=True)
    (user_fonts / "YuGothR.ttc").write_bytes(b"ttcf")
    windows.setenv("WINDIR", str(windir))
    windows.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    windows.delenv("KYODO_DESK_FONT_DIR", raising=False)
    assert fonts.font_dirs() == [windir / "Fonts", user_fonts]
    families = [f.family for f in fonts.available_fonts()]
    assert families[0] == fonts.BUNDLED_FAMILY and {"Meiryo", "Yu Gothic"} <= set(families)
    meiryo = fonts.find_japanese_font("Meiryo")
    assert meiryo.regular == windir / "Fonts" / "meiryo.ttc" and meiryo.bold == windir / "Fonts" / "meiryob.ttc"
    # a preference naming a font this PC does not have falls back to the bundled face
    assert fonts.find_japanese_font("Hiragino Sans").bundled
    # paper never follows the screen preference
    assert fonts.register_reportlab_font().regular.name == fonts.BUNDLED_REGULAR
