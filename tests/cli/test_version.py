"""The version a support call asks for: ``kyodo-desk --version``, the log's first line, the settings page."""

from __future__ import annotations

import logging

import pytest

from kyodo_desk import __version__
from kyodo_desk.cli import main
from kyodo_desk.config import default_paths, setup_logging


def test_version_option(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"kyodo-desk {__version__}"


def test_every_run_starts_the_log_with_the_version(tmp_path):
    paths = default_paths(tmp_path)
    setup_logging(paths)
    for handler in logging.getLogger().handlers:
        handler.flush()
    first = paths.log_file.read_text(encoding="utf-8").splitlines()[0]
    assert f"Kyodo Desk {__version__} starting" in first


def test_settings_page_shows_the_version(qtbot, db, db_url, admin):
    from kyodo_desk.app import build_context
    from kyodo_desk.config import load_preferences
    from kyodo_desk.ui.settings.desk_prefs import DeskPreferencesForm

    paths = default_paths()
    paths.ensure()
    ctx = build_context(paths, load_preferences(paths), db_url, db)
    ctx.actor = admin
    form = DeskPreferencesForm(ctx)
    qtbot.addWidget(form)
    form.show()
    assert form.version_label.isVisible() and __version__ in form.version_label.text()
    assert form.font.itemText(0) == "標準(同梱の BIZ UDゴシック)" and form.font.itemData(0) is None
    ctx.tasks.wait_for_done()
    ctx.events.deleteLater()
    ctx.tasks.deleteLater()
