"""Logs and error dialogs never carry personal values (APPI): a database error raised while
writing a consultation full of a marker string reaches the log file and the error dialog
without the marker, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy.exc import IntegrityError

from kyodo_desk.config import default_paths, setup_logging
from kyodo_desk.db.consultation_models import Consultation
from kyodo_desk.services.consultations import ConsultationInput
from kyodo_desk.ui.errors import ExceptHook

MARKER = "秘密マーカー山田090-5555-1234"


@pytest.fixture
def log_file():
    path = setup_logging(default_paths())
    yield path
    for handler in logging.getLogger().handlers:
        handler.flush()


def _consultation_with_the_marker(services, admin) -> None:
    cat = services.consultation_categories.for_year(2025)[0].id
    services.consultations.create(
        admin,
        ConsultationInput(
            received_at=dt.datetime(2025, 6, 2, 10), category_ids=(cat,), summary=MARKER, details=MARKER, answer=MARKER
        ),
    )


def _failing_write(db):
    """A write whose row holds the marker everywhere and breaks a NOT NULL constraint."""

    def work(_progress=None):
        with db.write() as s:
            s.add(
                Consultation(
                    reference=MARKER[:20],
                    fiscal_year=2025,
                    received_at=None,  # NOT NULL: IntegrityError; PostgreSQL adds "Failing row contains (…)"
                    channel="walk_in",
                    requester_type="individual",
                    summary=MARKER,
                    details=MARKER,
                    answer=MARKER,
                    referral_detail=MARKER,
                )
            )

    return work


def _read(log_file) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return log_file.read_text(encoding="utf-8")


def test_database_error_in_a_task_reaches_log_and_dialog_without_the_marker(qtbot, make_ctx, services, admin, log_file):
    _consultation_with_the_marker(services, admin)
    ctx = make_ctx(admin)
    ctx.tasks.run(_failing_write(ctx.db), write=True)  # no on_error: the desk's error dialog reports it
    qtbot.waitUntil(lambda: bool(ctx.tasks.report_error.open_boxes), timeout=10_000)
    box = ctx.tasks.report_error.open_boxes[0]
    text = box.text()
    assert "IntegrityError" in text and str(log_file) in text  # the person learns what kind and where the log is
    assert MARKER not in text and "090-5555-1234" not in text
    logged = _read(log_file)
    assert "Traceback" in logged and "IntegrityError" in logged and "consultation" in logged  # still useful to support
    assert MARKER not in logged and "090-5555-1234" not in logged and "山田" not in logged


def test_database_error_through_the_excepthook_and_log_exception(qtbot, db, services, admin, log_file):
    _consultation_with_the_marker(services, admin)
    with pytest.raises(IntegrityError) as caught:
        _failing_write(db)()
    raw = str(caught.value)
    assert "SQL parameters hidden" in raw  # the source: SQLAlchemy no longer prints the parameters...
    if db.engine.dialect.name == "postgresql":
        assert MARKER in raw  # ...but the server's DETAIL line quotes the failing row: never shown
    hook = ExceptHook(log_file, modal=False)
    hook(type(caught.value), caught.value, caught.value.__traceback__)
    qtbot.addWidget(hook.last_box)
    assert MARKER not in hook.last_box.text() and "IntegrityError" in hook.last_box.text()
    try:
        raise RuntimeError("保存に失敗") from caught.value
    except RuntimeError:
        logging.getLogger("kyodo_desk.test").exception("save failed for %s", caught.value)
    logged = _read(log_file)
    assert "The above exception was the direct cause" in logged and "保存に失敗" in logged
    assert MARKER not in logged and "090-5555-1234" not in logged


def test_python_messages_quoting_a_value_are_masked(qtbot, log_file):
    try:
        int(MARKER)
    except ValueError as exc:
        hook = ExceptHook(log_file, modal=False)
        hook(type(exc), exc, exc.__traceback__)
        qtbot.addWidget(hook.last_box)
        assert "ValueError: invalid literal for int() with base 10: '…'" in hook.last_box.text()
    assert MARKER not in _read(log_file)
