"""Partnership projects: saving with partners, city departments and linked records, the refusals
(each naming its field), stale edits, and the count per fiscal year behind the plan's target 3."""

from __future__ import annotations

import datetime as dt

import pytest

from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.services.base import PermissionDenied, StaleEdit
from kyodo_desk.services.organizations import OrganizationInput
from kyodo_desk.services.project_records import ProjectFilter, ProjectInput

D = dt.date


@pytest.fixture
def challenge(services, admin):
    prog = services.projects.add_programme(admin, "協働のまちづくりチャレンジ事業(テスト)")
    div = services.projects.add_division(admin, prog.id, "学生・高校生部門")
    return prog, div


def _org(services, actor, name, kind="citizen_group"):
    return services.organizations.create(actor, OrganizationInput(kind=kind, name=name)).id


def _project(services, actor, name, fy, partners, status="planned", **kw):
    return services.projects.create(
        actor, ProjectInput(name=name, fiscal_year=fy, partner_ids=tuple(partners), status=status, **kw)
    )


def test_a_project_is_saved_with_its_partners_departments_review_and_links(services, staff_actor, challenge):
    prog, div = challenge
    npo = _org(services, staff_actor, "NPO法人かなざわ里山")
    univ = _org(services, staff_actor, "金沢大学", "university")
    rec = services.projects.create(
        staff_actor,
        ProjectInput(
            name="里山の竹林整備と学生ボランティア",
            fiscal_year=2025,
            programme_id=prog.id,
            division_id=div.id,
            status="active",
            amount=300_000,
            starts_on=D(2025, 6, 1),
            ends_on=D(2026, 2, 28),
            partner_ids=(npo, univ, npo),
            city_departments=("市民協働推進課、森林再生課",),
            review_done="竹林 2ha を整備",
            review_participants=120,
            review_evaluation="学生の参加が定着した",
        ),
    )
    assert rec.reference == "P2025-00001" and rec.version == 1
    assert {p.organization_id for p in rec.partners} == {npo, univ}
    assert rec.city_departments == ("市民協働推進課", "森林再生課")
    assert rec.amount == 300_000 and rec.review_participants == 120
    rows = services.projects.page(staff_actor, ProjectFilter(fiscal_year=2025))
    assert [r.name for r in rows] == ["里山の竹林整備と学生ボランティア"]
    assert (
        rows[0].division == "学生・高校生部門" and "金沢大学" in rows[0].partners and "森林再生課" in rows[0].partners
    )
    assert services.projects.count(staff_actor, ProjectFilter(status="active")) == 1
    assert services.projects.count(staff_actor, ProjectFilter(status="done")) == 0
    assert services.projects.page(staff_actor, ProjectFilter(text="竹林"))[0].id == rec.id


def test_links_are_entered_by_reference_and_unknown_ones_are_refused(services, staff_actor):
    from kyodo_desk.db.consultation_models import Consultation

    org = _org(services, staff_actor, "長町子育ての会")
    with services.db.write() as s:
        s.add(
            Consultation(
                reference="S2025-00007",
                fiscal_year=2025,
                received_at=dt.datetime(2025, 5, 1, 10, 0),
                channel="walk_in",
                requester_type="organization",
                organization_id=org,
                summary="チャレンジ事業の申請について",
            )
        )
    cons = type("C", (), {"reference": "S2025-00007"})
    rec = _project(services, staff_actor, "子育て広場", 2025, [org], consultation_refs=(cons.reference.lower(),))
    assert [c.reference for c in rec.consultations] == [cons.reference]
    with pytest.raises(ValidationError) as err:
        services.projects.update(
            staff_actor,
            rec.id,
            rec.version,
            ProjectInput(**{**rec.as_input().__dict__, "dispatch_refs": ("D2025-00999",)}),
        )
    assert "D2025-00999" in err.value.errors["dispatch_refs"]


def test_refusals_name_the_field(services, staff_actor, challenge):
    with pytest.raises(ValidationError) as err:
        services.projects.create(
            staff_actor,
            ProjectInput(name=" ", fiscal_year=25, amount=-1, starts_on=D(2025, 7, 1), ends_on=D(2025, 6, 1)),
        )
    assert set(err.value.errors) == {"name", "fiscal_year", "amount", "ends_on", "partners"}
    assert "事業名" in err.value.errors["name"] and "補助額" in err.value.errors["amount"]
    prog, _div = challenge
    other = services.projects.add_programme(staff_actor.__class__(None, "x", "admin"), "その他(テスト)")
    org = _org(services, staff_actor, "広坂町会", "neighborhood")
    with pytest.raises(ValidationError) as err:
        _project(services, staff_actor, "雪かき", 2025, [org], programme_id=other.id, division_id=_div.id)
    assert "部門" in err.value.errors["division_id"]


def test_a_stale_save_is_refused_and_staff_may_not_edit_the_programmes(services, staff_actor, ict_actor):
    org = _org(services, staff_actor, "広坂町会", "neighborhood")
    rec = _project(services, staff_actor, "防災訓練", 2024, [org])
    services.projects.update(
        staff_actor, rec.id, rec.version, ProjectInput(**{**rec.as_input().__dict__, "status": "done"})
    )
    with pytest.raises(StaleEdit):
        services.projects.update(
            staff_actor, rec.id, rec.version, ProjectInput(**{**rec.as_input().__dict__, "name": "x"})
        )
    with pytest.raises(PermissionDenied):
        services.projects.add_programme(staff_actor, "新しい事業区分")
    with pytest.raises(PermissionDenied):
        services.projects.page(ict_actor)


def test_projects_are_counted_by_their_fiscal_year_not_their_dates_and_cancelled_ones_do_not_count(
    services, staff_actor
):
    org = _org(services, staff_actor, "広坂町会", "neighborhood")
    # FY2020 runs 2020-04-01 .. 2021-03-31: a FY2020 project that runs into 2021 is still FY2020's
    _project(services, staff_actor, "a", 2020, [org], starts_on=D(2021, 1, 10), ends_on=D(2021, 3, 31))
    _project(services, staff_actor, "b", 2020, [org], status="done", starts_on=D(2020, 4, 1))
    _project(services, staff_actor, "c", 2020, [org], status="cancelled")
    _project(services, staff_actor, "d", 2021, [org], starts_on=D(2021, 4, 1))
    _project(services, staff_actor, "e", 2019, [org], starts_on=D(2020, 3, 31))
    counts = services.projects.count_by_fiscal_year([2019, 2020, 2021, 2022])
    assert counts == {2019: 1, 2020: 2, 2021: 1, 2022: 0}
    assert services.projects.fiscal_years(staff_actor) == [2021, 2020, 2019]
    # references are numbered per fiscal year
    refs = sorted(r.reference for r in services.projects.page(staff_actor, ProjectFilter(fiscal_year=2020)))
    assert refs == ["P2020-00001", "P2020-00002", "P2020-00003"]


def test_the_search_box_finds_a_project_by_name_and_by_its_number(services, staff_actor, ict_actor):
    org = _org(services, staff_actor, "広坂町会", "neighborhood")
    rec = _project(services, staff_actor, "用水の清掃と生きもの調べ", 2025, [org])
    hits = [h for h in services.search.search(staff_actor, "生きもの") if h.kind == "project"]
    assert [(h.ref_id, h.code, h.kind_label) for h in hits] == [(rec.id, rec.reference, "協働事業")]
    found = services.search.resolve_code(staff_actor, rec.reference)
    assert found is not None and found.ref_id == rec.id
    ict_hits = services.search.search(ict_actor, "生きもの")  # ICT推進員: projects are not theirs
    assert not [h for h in ict_hits if h.kind == "project"]


def test_changing_only_the_partners_is_a_new_version(services, staff_actor):
    a = _org(services, staff_actor, "広坂町会", "neighborhood")
    b = _org(services, staff_actor, "金沢大学", "university")
    rec = _project(services, staff_actor, "防災訓練", 2024, [a])
    after = services.projects.update(
        staff_actor, rec.id, rec.version, ProjectInput(**{**rec.as_input().__dict__, "partner_ids": (a, b)})
    )
    assert after.version == rec.version + 1 and {p.organization_id for p in after.partners} == {a, b}
    with pytest.raises(StaleEdit):  # the other desk's copy of the old partner list is refused
        services.projects.update(staff_actor, rec.id, rec.version, rec.as_input())
