"""The plan's targets: KPIs computed from hand-made records (surveys as satisfied / respondents,
registered groups through services.registration, projects per fiscal year), progress from the
plan's starting figure, the period in force or the latest ended one, and the refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete

from kyodo_desk.db.plan_models import PlanPeriod, PlanSurvey
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.services.base import PermissionDenied, StaleEdit
from kyodo_desk.services.organizations import OrganizationInput
from kyodo_desk.services.plan_records import PeriodInput, PlanItemInput, SurveyInput
from kyodo_desk.services.project_records import ProjectInput

D = dt.date
DOCS = ("規約", "名簿", "活動計画")


@pytest.fixture
def plan(services, admin):
    """A 2021–2025 period with the three items of the 2021 plan, made by hand (not the seed)."""
    with services.db.write() as s:
        s.execute(delete(PlanPeriod))
        s.execute(delete(PlanSurvey))
    p = services.plan
    period = p.create_period(admin, PeriodInput("テスト計画2021", 2021, 2025))
    items = (
        PlanItemInput("満足度", "%", "survey", None, None, 2020, 66.8, 2025, 75.0, False),
        PlanItemInput("登録団体数", "団体", "registrations", 2016, 35, 2020, 43, 2025, 50, True),
        PlanItemInput("協働事業数", "件", "projects", 2016, 68, 2020, 88, 2025, 100, True),
    )
    keys = [p.save_item(admin, period.id, item).key for item in items]
    assert keys == ["survey-1", "registrations", "projects"]
    return period


def _kpis(services, admin, on):
    result = services.plan.kpis(admin, on)
    assert result is not None
    return result, {k.source: k for k in result.kpis}


def test_satisfaction_is_satisfied_answers_over_respondents_the_latest_survey_of_a_year_winning(services, admin, plan):
    p = services.plan
    p.save_survey(admin, "survey-1", SurveyInput("意識調査", D(2020, 8, 1), 732, 489))
    p.save_survey(admin, "survey-1", SurveyInput("市民アンケート", D(2022, 6, 1), 800, 560))  # 70.0
    p.save_survey(admin, "survey-1", SurveyInput("市民アンケート(再)", D(2023, 3, 10), 400, 290))  # 72.5, FY2022
    p.save_survey(admin, "survey-1", SurveyInput("市民アンケート", D(2023, 9, 1), 1000, 731))  # 73.1, FY2023
    result, k = _kpis(services, admin, D(2023, 7, 1))  # before the FY2023 survey was held
    sat = k["survey"]
    assert not result.ended and result.period_name == "テスト計画2021"
    assert sat.current_value == 72.5 and sat.current_fiscal_year == 2022
    assert sat.reference_year == 2020 and sat.reference_value == 66.8
    assert sat.progress == pytest.approx((72.5 - 66.8) / (75 - 66.8))
    trend = {pt.fiscal_year: pt.value for pt in sat.trend}
    assert trend == {2020: 66.8, 2021: None, 2022: 72.5, 2023: None, 2024: None, 2025: None}
    assert [s.percent for s in p.surveys(admin, "survey-1")] == [73.1, 72.5, 70.0, 66.8]


def test_registered_groups_come_from_the_registration_records(services, admin, plan):
    reg = services.registration

    def register(name, applied, registered):
        oid = services.organizations.create(admin, OrganizationInput(kind="citizen_group", name=name)).id
        reg.apply(admin, oid, applied, DOCS)
        reg.review(admin, oid, registered, approved=True)
        reg.register(admin, oid, registered)

    register("A会", D(2021, 4, 1), D(2021, 5, 1))
    register("B会", D(2022, 3, 1), D(2022, 3, 31))  # FY2021's last day
    register("C会", D(2022, 4, 1), D(2022, 4, 1))  # FY2022's first day
    _result, k = _kpis(services, admin, D(2022, 4, 20))
    regs = k["registrations"]
    assert regs.current_value == reg.registered_count_at(D(2022, 4, 20)) == 3
    assert regs.current_fiscal_year == 2022
    trend = {pt.fiscal_year: pt.value for pt in regs.trend}
    assert trend[2016] == 35 and trend[2020] == 43  # the plan's own figures for years before the period
    assert trend[2021] == 2 and trend[2022] == 3 and trend[2023] is None
    assert regs.progress == pytest.approx((3 - 43) / (50 - 43))
    assert regs.target_is_minimum and regs.unit == "団体" and regs.target_value == 50


def test_projects_per_fiscal_year_and_progress_beyond_the_target(services, admin, plan):
    org = services.organizations.create(admin, OrganizationInput(kind="npo", name="NPO法人テスト")).id
    for i in range(3):
        services.projects.create(admin, ProjectInput(name=f"a{i}", fiscal_year=2021, partner_ids=(org,)))
    services.projects.create(admin, ProjectInput(name="x", fiscal_year=2021, partner_ids=(org,), status="cancelled"))
    _result, k = _kpis(services, admin, D(2022, 4, 5))  # nothing of FY2022 yet: FY2021's count is current
    proj = k["projects"]
    assert proj.current_value == 3 and proj.current_fiscal_year == 2021
    assert {pt.fiscal_year: pt.value for pt in proj.trend}[2022] == 0
    # progress is the share of the way from 88 to 100; it may pass 1
    from kyodo_desk.domain.projects import progress

    assert progress(88, 100, 106) == pytest.approx(1.5) and progress(None, 75, 60) == pytest.approx(0.8)


def test_after_the_last_year_the_period_is_shown_as_ended_and_the_next_one_takes_over(services, admin, plan):
    p = services.plan
    p.save_survey(admin, "survey-1", SurveyInput("市民アンケート", D(2025, 9, 1), 500, 380))  # 76.0
    p.save_survey(admin, "survey-1", SurveyInput("市民アンケート", D(2026, 9, 1), 500, 400))  # FY2026: not this plan
    result, k = _kpis(services, admin, D(2026, 5, 1))  # 令和8年度
    assert result.ended and result.last_fiscal_year == 2025
    assert k["survey"].current_value == 76.0 and k["survey"].current_fiscal_year == 2025
    assert k["survey"].progress > 1
    assert services.plan.kpis(admin, D(2019, 5, 1)) is None  # before any period
    with pytest.raises(ValidationError) as err:
        p.create_period(admin, PeriodInput("重なる計画", 2025, 2029))
    assert "重なって" in err.value.errors["first_fiscal_year"]
    nxt = p.create_period(admin, PeriodInput("テスト計画2026", 2026, 2030), copy_items_from=plan.id)
    assert [i.key for i in nxt.items] == ["survey-1", "registrations", "projects"]
    result, k = _kpis(services, admin, D(2026, 12, 1))
    assert not result.ended and result.period_name == "テスト計画2026"
    assert k["survey"].current_value == 80.0  # the survey series carries over by key


def test_survey_refusals_and_permissions(services, admin, staff_actor, plan):
    p = services.plan
    with pytest.raises(ValidationError) as err:
        p.save_survey(admin, "survey-1", SurveyInput("", None, 0, None))
    assert set(err.value.errors) == {"name", "conducted_on", "respondents", "satisfied"}
    with pytest.raises(ValidationError) as err:
        p.save_survey(admin, "survey-1", SurveyInput("調査", D(2024, 6, 1), 100, 101))
    assert "回答者数を超えて" in err.value.errors["satisfied"]
    with pytest.raises(ValidationError) as err:
        p.save_item(admin, plan.id, PlanItemInput("満足度", "人", "survey", target_year=2025, target_value=80))
    assert "%" in err.value.errors["unit"]
    with pytest.raises(PermissionDenied):
        p.save_survey(staff_actor, "survey-1", SurveyInput("調査", D(2024, 6, 1), 100, 50))
    assert p.kpis(staff_actor, D(2024, 6, 1)) is not None  # everyone sees the targets


def test_a_typed_item_of_the_next_period_takes_its_values_per_fiscal_year(services, admin, plan):
    p = services.plan
    nxt = p.create_period(admin, PeriodInput("テスト計画2026", 2026, 2030))
    item = p.save_item(
        admin, nxt.id, PlanItemInput("まちづくりサロンの開催数", "回", "manual", target_year=2030, target_value=24)
    )
    assert item.key == "manual-1"
    p.set_year_value(admin, item.key, 2026, 10)
    p.set_year_value(admin, item.key, 2027, 14)
    p.set_year_value(admin, item.key, 2027, None)  # cleared again
    result, k = _kpis(services, admin, D(2027, 6, 1))
    assert result.period_name == "テスト計画2026"
    typed = k["manual"]
    assert typed.current_value == 10 and typed.current_fiscal_year == 2026
    assert typed.reference_value is None and typed.progress == pytest.approx(10 / 24)
    assert [pt.fiscal_year for pt in typed.trend] == [2026, 2027, 2028, 2029, 2030]
    with pytest.raises(StaleEdit):
        p.save_item(
            admin,
            nxt.id,
            PlanItemInput("x", "回", "manual", target_year=2030, target_value=1),
            item_id=item.id,
            expected_version=item.version + 1,
        )
