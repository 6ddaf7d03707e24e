"""「協働をすすめる市民団体」 registration: every step and its refusals, the count at a date and at the
close of each fiscal year, renewals due and automatic lapse, against a hand-made fixture."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kyodo_desk.db.models import AuditLog, Organization
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.services.base import PermissionDenied, StaleEdit
from kyodo_desk.services.organizations import OrganizationInput
from kyodo_desk.services.registration import RegistrationDetails, StepInput, StepRefused
from kyodo_desk.services.registration_settings import RegistrationSettings

D = dt.date
DOCS = ("規約", "名簿", "活動計画")
TODAY = D(2026, 11, 27)


def _org(services, actor, name):
    return services.organizations.create(actor, OrganizationInput(kind="citizen_group", name=name)).id


def _register(services, actor, org_id, applied, registered):
    reg = services.registration
    reg.apply(actor, org_id, applied, DOCS)
    reg.review(actor, org_id, registered, approved=True)
    return reg.register(actor, org_id, registered)


def test_a_group_goes_through_every_step_recorded_with_who_and_when(services, staff_actor, admin):
    reg = services.registration
    oid = _org(services, staff_actor, "長町子育ての会")
    start = reg.get(staff_actor, oid)
    assert start.status == "none" and start.allowed_steps == ("apply",) and start.version == 0

    rec = reg.apply(staff_actor, oid, D(2025, 4, 3), DOCS, RegistrationDetails("子育て広場の運営", "長町", ""))
    assert rec.status == "applied" and rec.applied_on == D(2025, 4, 3)
    assert set(rec.allowed_steps) == {"approve", "reject", "withdraw"}
    assert rec.history[0].documents == DOCS and rec.history[0].staff_name == staff_actor.name
    assert rec.details.activity == "子育て広場の運営"

    rec = reg.review(staff_actor, oid, D(2025, 4, 10), approved=True, reason="書類確認済み")
    assert rec.status == "reviewed" and set(rec.allowed_steps) == {"register", "withdraw"}
    rec = reg.register(staff_actor, oid, D(2025, 4, 15))
    assert rec.status == "registered" and rec.number == "協働-2025-001"
    assert rec.registered_on == D(2025, 4, 15) and rec.expires_on == D(2026, 4, 14)
    assert set(rec.allowed_steps) == {"renew", "change", "withdraw", "cancel", "lapse"}

    rec = reg.renew(staff_actor, oid, D(2026, 4, 1))  # early: the new year follows the old one
    assert rec.renewed_on == D(2026, 4, 1) and rec.expires_on == D(2027, 4, 14) and rec.number == "協働-2025-001"
    rec = reg.update_details(
        staff_actor, oid, D(2026, 5, 1), "活動場所の変更", RegistrationDetails("子育て広場", "長町・野町", "")
    )
    assert rec.status == "registered" and rec.details.activity_area == "長町・野町"
    rec = reg.withdraw(staff_actor, oid, D(2026, 6, 1), "活動休止のため辞退")
    assert rec.status == "withdrawn" and rec.ended_on == D(2026, 6, 1) and rec.allowed_steps == ("apply",)
    assert [h.step for h in rec.history] == ["apply", "approve", "register", "renew", "change", "withdraw"]
    assert rec.history[-1].reason == "活動休止のため辞退"

    with services.db.read() as s:  # the organization's cached status follows, its edit version does not
        org = s.get(Organization, oid)
        assert org.registration_status == "withdrawn" and org.version == 1
        rows = s.scalars(select(AuditLog.detail).where(AuditLog.entity == "registration")).all()
    assert "step=register status=registered" in rows and all("子育て" not in r for r in rows)

    again = reg.apply(staff_actor, oid, D(2026, 7, 1), DOCS)  # a new application after withdrawal
    assert again.status == "applied" and again.number is None


def test_numbers_follow_the_pattern_and_restart_each_fiscal_year(services, staff_actor, admin):
    reg = services.registration
    a, b, c = (_org(services, staff_actor, n) for n in ("甲の会", "乙の会", "丙の会"))
    assert _register(services, staff_actor, a, D(2025, 3, 1), D(2025, 3, 31)).number == "協働-2024-001"
    assert _register(services, staff_actor, b, D(2025, 3, 1), D(2025, 4, 1)).number == "協働-2025-001"
    reg.update_settings(admin, RegistrationSettings(number_pattern="K{wareki}-{seq:04d}"))
    assert _register(services, staff_actor, c, D(2025, 4, 1), D(2025, 4, 2)).number == "KR7-0002"


@pytest.mark.parametrize(
    ("steps", "refused", "message"),
    [
        ((), "approve", "できません"),
        ((), "register", "できません"),
        ((), "renew", "できません"),
        ((), "change", "できません"),
        ((), "withdraw", "できません"),
        ((), "cancel", "できません"),
        ((), "lapse", "できません"),
        (("apply",), "apply", "できません"),
        (("apply",), "register", "できません"),
        (("apply",), "renew", "できません"),
        (("apply", "approve"), "approve", "できません"),
        (("apply", "approve"), "renew", "できません"),
        (("apply", "approve", "register"), "apply", "できません"),
        (("apply", "approve", "register"), "register", "できません"),
        (("apply", "reject"), "register", "できません"),
        (("apply", "approve", "register", "cancel"), "renew", "できません"),
        (("apply", "approve", "register", "lapse"), "renew", "できません"),
    ],
)
def test_only_allowed_steps_are_accepted(services, staff_actor, admin, steps, refused, message):
    reg = services.registration
    oid = _org(services, staff_actor, "町の会")
    for n, step in enumerate(steps):
        docs = DOCS if step == "apply" else ()
        reg.record_step(admin, oid, StepInput(step, D(2025, 4, 1 + n), "理由", docs), today=TODAY)
    before = reg.get(staff_actor, oid)
    with pytest.raises(StepRefused) as err:
        reg.record_step(admin, oid, StepInput(refused, D(2025, 5, 1), "理由", DOCS), today=TODAY)
    assert message in str(err.value)
    assert reg.get(staff_actor, oid) == before  # nothing recorded


def test_field_checks_name_the_field(services, staff_actor):
    reg = services.registration
    oid = _org(services, staff_actor, "町の会")
    with pytest.raises(ValidationError) as err:
        reg.record_step(staff_actor, oid, StepInput("apply", None, "", ("規約",)), today=TODAY)
    assert "日付" in err.value.errors["on_date"] and "名簿、活動計画" in err.value.errors["documents"]
    with pytest.raises(ValidationError) as err:
        reg.record_step(staff_actor, oid, StepInput("apply", D(2026, 12, 1), "", DOCS), today=TODAY)
    assert "先の日付" in err.value.errors["on_date"]
    _register(services, staff_actor, oid, D(2025, 4, 1), D(2025, 4, 2))
    for step in ("withdraw", "change"):
        with pytest.raises(ValidationError) as err:
            reg.record_step(staff_actor, oid, StepInput(step, D(2025, 5, 1), "  "), today=TODAY)
        assert "reason" in err.value.errors
    with pytest.raises(StepRefused) as refused:  # before the previous step's date
        reg.renew(staff_actor, oid, D(2025, 4, 1))
    assert "前の手続き" in str(refused.value)


def test_cancelling_is_for_administrators_and_a_stale_step_is_refused(services, staff_actor, admin):
    reg = services.registration
    oid = _org(services, staff_actor, "町の会")
    rec = _register(services, staff_actor, oid, D(2025, 4, 1), D(2025, 4, 2))
    with pytest.raises(PermissionDenied):
        reg.cancel(staff_actor, oid, D(2025, 6, 1), "活動実態がないため")
    with pytest.raises(StaleEdit):
        reg.record_step(staff_actor, oid, StepInput("renew", D(2025, 6, 1)), expected_version=rec.version - 1)
    done = reg.cancel(admin, oid, D(2025, 6, 1), "活動実態がないため")
    assert done.status == "cancelled" and done.history[-1].staff_name == admin.name


@pytest.fixture
def fixture_groups(services, staff_actor, admin):
    """Hand-made: A registered 2020-03-31, B registered 2020-04-01, C registered 2016-06-01 and
    renewed every year, D registered 2018-05-01 and withdrawn 2021-03-31, E applied only."""
    reg = services.registration
    ids = {k: _org(services, staff_actor, f"{k}の会") for k in "ABCDE"}
    _register(services, staff_actor, ids["A"], D(2020, 3, 1), D(2020, 3, 31))
    _register(services, staff_actor, ids["B"], D(2020, 3, 1), D(2020, 4, 1))
    _register(services, staff_actor, ids["C"], D(2016, 5, 1), D(2016, 6, 1))
    for year in range(2017, 2027):
        reg.renew(staff_actor, ids["C"], D(year, 5, 20))
    _register(services, staff_actor, ids["D"], D(2018, 4, 1), D(2018, 5, 1))
    for year in (2019, 2020):
        reg.renew(staff_actor, ids["D"], D(year, 4, 20))
    reg.withdraw(staff_actor, ids["D"], D(2021, 3, 31), "解散")
    reg.apply(staff_actor, ids["E"], D(2020, 1, 10), DOCS)
    return ids


def test_counts_at_dates_and_across_the_fiscal_year_boundary(services, fixture_groups):
    reg = services.registration
    assert reg.registered_count_at(D(2016, 5, 31)) == 0
    assert reg.registered_count_at(D(2016, 6, 1)) == 1
    assert reg.registered_count_at(D(2020, 3, 30)) == 2  # C, D
    assert reg.registered_count_at(D(2020, 3, 31)) == 3  # + A
    assert reg.registered_count_at(D(2020, 4, 1)) == 4  # + B
    assert reg.registered_count_at(D(2021, 3, 30)) == 4
    # D withdrew on 2021-03-31; A and B were never renewed: their years end 2021-03-30 and 2021-03-31
    assert reg.registered_count_at(D(2021, 3, 31)) == 2  # B, C
    assert reg.registered_count_at(D(2021, 4, 1)) == 1  # C
    counts = reg.registered_counts_by_fiscal_year([2015, 2016, 2018, 2019, 2020, 2025])
    assert counts == {2015: 0, 2016: 1, 2018: 2, 2019: 3, 2020: 2, 2025: 1}
    # FY2019 closes 2020-03-31: A counts, B (2020-04-01) does not; FY2020 closes 2021-03-31: B counts, A lapsed
    # the fiscal year in progress counts today, not at a closing day still ahead
    assert reg.registered_counts_by_fiscal_year([2020], today=D(2020, 6, 1)) == {2020: 4}
    assert reg.registered_counts_by_fiscal_year([]) == {}


def test_with_automatic_lapse_off_an_unrenewed_registration_still_counts(services, admin, fixture_groups):
    services.registration.update_settings(admin, RegistrationSettings(auto_lapse=False))
    assert services.registration.registered_count_at(D(2021, 4, 1)) == 3  # A, B, C


def test_renewals_due_and_automatic_lapse(services, staff_actor, admin, fixture_groups):
    reg = services.registration
    due = reg.due_for_renewal(staff_actor, D(2021, 3, 1), within_days=30)
    assert [(d.organization_name, d.due_on) for d in due] == [("Aの会", D(2021, 3, 30)), ("Bの会", D(2021, 3, 31))]
    assert due[0].number == "協働-2019-001"
    assert reg.lapse_overdue(staff_actor, D(2021, 3, 31)) == [fixture_groups["A"]]  # B's last day is today
    assert reg.lapse_overdue(staff_actor, D(2021, 4, 1)) == [fixture_groups["B"]]
    a = reg.get(staff_actor, fixture_groups["A"])
    assert a.status == "expired" and a.history[-1].step == "lapse" and a.history[-1].on_date == D(2021, 3, 31)
    assert "自動で失効" in a.history[-1].reason
    assert reg.lapse_overdue(staff_actor, D(2021, 4, 1)) == []  # once only
    assert reg.registered_count_at(D(2021, 3, 30)) == 4 and reg.registered_count_at(D(2021, 3, 31)) == 2
    reg.update_settings(admin, RegistrationSettings(auto_lapse=False))
    assert reg.lapse_overdue(staff_actor, D(2030, 1, 1)) == []


def test_settings_are_checked_field_by_field(services, admin, staff_actor):
    with pytest.raises(ValidationError) as err:
        services.registration.update_settings(
            admin, RegistrationSettings(number_pattern="協働-{year}", renewal_months=0, documents=("規約,名簿",))
        )
    assert set(err.value.errors) == {"number_pattern", "renewal_months", "documents"}
    with pytest.raises(PermissionDenied):
        services.registration.update_settings(staff_actor, RegistrationSettings())
    services.registration.update_settings(admin, RegistrationSettings(documents=("規約", "名簿")))
    assert services.registration.settings().documents == ("規約", "名簿")
