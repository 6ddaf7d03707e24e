"""The registration state machine (pure): which step may follow which status, and every refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from kyodo_desk.domain import registration as r
from kyodo_desk.domain.registration import RegistrationRefused, RegStatus, Step, StepPoint
from kyodo_desk.domain.validation import ValidationError

D = dt.date

ALLOWED = {
    RegStatus.NONE: {Step.APPLY},
    RegStatus.APPLIED: {Step.APPROVE, Step.REJECT, Step.WITHDRAW},
    RegStatus.REVIEWED: {Step.REGISTER, Step.WITHDRAW},
    RegStatus.REGISTERED: {Step.RENEW, Step.CHANGE, Step.LAPSE, Step.WITHDRAW, Step.CANCEL},
    RegStatus.EXPIRED: {Step.APPLY},
    RegStatus.WITHDRAWN: {Step.APPLY},
    RegStatus.CANCELLED: {Step.APPLY},
    RegStatus.REJECTED: {Step.APPLY},
}


@pytest.mark.parametrize("status", list(RegStatus))
def test_allowed_steps_of_every_status(status):
    assert set(r.allowed_steps(status)) == ALLOWED[status]


@pytest.mark.parametrize(("status", "step"), [(st, sp) for st in RegStatus for sp in Step if sp not in ALLOWED[st]])
def test_every_other_step_is_refused_and_says_what_is_possible(status, step):
    with pytest.raises(RegistrationRefused) as err:
        r.status_after(status, step, last_date=None, on=D(2025, 4, 1))
    message = str(err.value)
    assert status.label() in message and step.label() in message
    for possible in ALLOWED[status]:
        assert possible.label() in message


def test_a_step_may_not_be_dated_before_the_previous_one():
    assert r.status_after("registered", "renew", last_date=D(2025, 4, 1), on=D(2025, 4, 1)) == RegStatus.REGISTERED
    with pytest.raises(RegistrationRefused):
        r.status_after("registered", "renew", last_date=D(2025, 4, 2), on=D(2025, 4, 1))


def test_step_fields():
    today = D(2025, 6, 1)
    with pytest.raises(ValidationError) as err:
        r.validate_step(
            Step.APPLY,
            on=None,
            today=today,
            reason="",
            documents_checked=("規約",),
            documents_required=("規約", "名簿"),
        )
    assert set(err.value.errors) == {"on_date", "documents"} and "名簿" in err.value.errors["documents"]
    with pytest.raises(ValidationError) as err:
        r.validate_step(Step.RENEW, on=D(2025, 6, 2), today=today, reason="")
    assert "先の日付" in err.value.errors["on_date"]
    for step in (Step.REJECT, Step.WITHDRAW, Step.CANCEL, Step.CHANGE):
        with pytest.raises(ValidationError) as err:
            r.validate_step(step, on=today, today=today, reason=" ")
        assert set(err.value.errors) == {"reason"}
    r.validate_step(Step.REGISTER, on=today, today=today, reason="")  # no reason needed


def test_periods_and_numbers():
    assert r.valid_until(D(2025, 5, 10), 12) == D(2026, 5, 9)
    assert r.valid_until(D(2024, 2, 29), 12) == D(2025, 2, 27)
    assert r.add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert r.format_number("協働-{year}-{seq:03d}", 2025, 7) == "協働-2025-007"
    assert r.format_number("{wareki}-{seq}", 2018, 3) == "H30-3"
    assert r.format_number("{wareki}-{seq}", 2019, 3) == "R1-3"
    assert r.check_number_pattern("協働-{year}-{seq:03d}") is None
    assert r.check_number_pattern("協働-{year}") is not None  # no 通し番号
    assert r.check_number_pattern("{seq}{name}") is not None
    assert r.check_number_pattern("{seq:zz}") is not None
    assert r.counter_is_yearly("A{year}{seq}") and not r.counter_is_yearly("A{seq:05d}")


def test_in_force_on_a_day():
    steps = [
        StepPoint(D(2020, 1, 10), "applied"),
        StepPoint(D(2020, 3, 31), "registered", D(2021, 3, 30)),
        StepPoint(D(2021, 3, 1), "registered", D(2022, 3, 30)),
        StepPoint(D(2021, 9, 1), "withdrawn"),
    ]
    f = r.in_force_on
    assert not f(steps, D(2020, 3, 30), auto_lapse=True)
    assert f(steps, D(2020, 3, 31), auto_lapse=True)
    assert f(steps, D(2021, 8, 31), auto_lapse=True)
    assert not f(steps, D(2021, 9, 1), auto_lapse=True)
    unrenewed = steps[:2]
    assert f(unrenewed, D(2021, 3, 30), auto_lapse=True) and not f(unrenewed, D(2021, 3, 31), auto_lapse=True)
    assert f(unrenewed, D(2021, 4, 5), auto_lapse=True, grace_days=7)
    assert f(unrenewed, D(2030, 1, 1), auto_lapse=False)
    assert r.lapse_date(D(2021, 3, 30), 0) == D(2021, 3, 31)
