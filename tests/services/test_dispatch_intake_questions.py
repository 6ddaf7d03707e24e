"""What the desk is asked to confirm before a dispatch application is taken."""

from __future__ import annotations

import datetime as dt

from kyodo_desk.services.dispatch import ApplicationInput
from kyodo_desk.services.dispatch_records import intake_questions

RECEIVED = dt.date(2025, 6, 10)


def _wish(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return dt.datetime.combine(day, dt.time(13)), dt.datetime.combine(day, dt.time(15))


def test_nothing_to_ask_for_a_plain_application():
    data = ApplicationInput(
        topic="会計", expected_participants=12, preferred=(_wish(dt.date(2025, 7, 1)),), received_on=RECEIVED
    )
    assert intake_questions(data) == {}


def test_a_wish_before_the_received_day_and_zero_participants_are_asked_about():
    data = ApplicationInput(
        topic="会計",
        expected_participants=0,
        received_on=RECEIVED,
        preferred=(_wish(dt.date(2025, 7, 1)), _wish(dt.date(2025, 6, 1))),
    )
    questions = intake_questions(data)
    assert set(questions) == {"preferred", "expected_participants"}
    assert "2025/06/01" in questions["preferred"] and "2025/06/10" in questions["preferred"]
    assert "0人" in questions["expected_participants"]


def test_a_correction_compares_with_the_day_the_application_was_received():
    data = ApplicationInput(topic="会計", expected_participants=5, preferred=(_wish(dt.date(2025, 6, 5)),))
    assert "preferred" in intake_questions(data, RECEIVED)
    assert intake_questions(data, dt.date(2025, 6, 1)) == {}
