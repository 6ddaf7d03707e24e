"""Where a desk keeps its things, and which database it opens."""

from __future__ import annotations

from pathlib import Path

from kyodo_desk.config import (
    LocalPreferences,
    apply_preferences,
    default_paths,
    load_preferences,
    resolve_database_url,
    save_preferences,
    setup_logging,
)


def test_home_puts_everything_under_one_folder(tmp_path):
    paths = default_paths(tmp_path)
    assert (paths.config_dir, paths.data_dir, paths.log_dir, paths.backup_dir) == (
        tmp_path / "config",
        tmp_path / "data",
        tmp_path / "logs",
        tmp_path / "backups",
    )
    assert paths.database_file == tmp_path / "data" / "kyodo_desk.db"


def test_database_url_precedence(tmp_path, monkeypatch):
    paths = default_paths(tmp_path)
    assert resolve_database_url(None, paths) == f"sqlite:///{paths.database_file}"
    monkeypatch.setenv("KYODO_DESK_DATABASE", "postgresql+psycopg://desk@server/kyodo")
    assert resolve_database_url(None, paths) == "postgresql+psycopg://desk@server/kyodo"
    assert resolve_database_url(str(tmp_path / "x.db"), paths) == f"sqlite:///{tmp_path / 'x.db'}"


def test_relative_paths_become_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert (
        resolve_database_url("desk.db", default_paths(tmp_path)) == f"sqlite:///{Path(tmp_path).resolve() / 'desk.db'}"
    )


def test_preferences_round_trip_and_survive_a_damaged_file(tmp_path):
    paths = default_paths(tmp_path)
    assert load_preferences(paths) == LocalPreferences()
    prefs = LocalPreferences(language="en", font_point_size=14, last_staff_id=3)
    save_preferences(paths, prefs)
    assert load_preferences(paths) == prefs
    paths.preferences_file.write_text("{ broken", encoding="utf-8")
    assert load_preferences(paths) == LocalPreferences()  # the desk still starts
    paths.preferences_file.write_text('{"language": "en", "removed_option": 1}', encoding="utf-8")
    assert load_preferences(paths).language == "en"  # unknown keys from another version are ignored


def test_chosen_data_folder_carries_the_backups(tmp_path):
    paths = default_paths(tmp_path / "home")
    moved = apply_preferences(paths, LocalPreferences(data_dir=str(tmp_path / "shared")))
    assert moved.database_file == tmp_path / "shared" / "kyodo_desk.db"
    assert moved.backup_dir == tmp_path / "shared" / "backups"
    assert moved.log_dir == paths.log_dir


def test_log_file_is_written_in_the_log_folder(tmp_path):
    import logging

    paths = default_paths(tmp_path)
    log_file = setup_logging(paths)
    logging.getLogger("kyodo_desk.test").info("起動しました")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert log_file.parent == paths.log_dir and "起動しました" in log_file.read_text(encoding="utf-8")
