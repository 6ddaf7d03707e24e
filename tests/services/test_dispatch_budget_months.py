"""Dispatch statistics (issue 15): the 予算 / 予算残額 rows carry a figure in every month column,
not 0円 — the year's budget, and what is left of it at the end of each month."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from kyodo_desk.db.dispatch_models import Advisor, DispatchApplication, DispatchSession
from kyodo_desk.db.models import Organization
from kyodo_desk.documents.statistics import build_statistics_pdf


def _visits(services) -> None:
    with services.db.write() as s:
        org = Organization(kind="citizen_group", name="長町子ども食堂", name_kana="ナガマチ")
        advisor = Advisor(name="北村 誠")
        s.add_all([org, advisor])
        s.flush()
        app = DispatchApplication(
            reference="D-1",
            fiscal_year=2025,
            organization_id=org.id,
            dispatch_type="advisor",
            field="management",
            topic="会計の基礎",
            venue="公民館",
            status="decided",
            received_on=dt.date(2025, 4, 1),
        )
        s.add(app)
        s.flush()
        for number, (day, fee, travel, status) in enumerate(
            [
                (dt.date(2025, 5, 10), 10_000, 1_200, "held"),
                (dt.date(2025, 5, 20), 10_000, 800, "held"),
                (dt.date(2025, 8, 1), 15_000, 0, "held"),
                (dt.date(2025, 9, 1), 99_000, 9_000, "cancelled"),  # not spent
            ],
            start=1,
        ):
            at = dt.datetime.combine(day, dt.time(14, 0))
            s.add(
                DispatchSession(
                    application_id=app.id,
                    number=number,
                    advisor_id=advisor.id,
                    start_at=at,
                    end_at=at + dt.timedelta(hours=2),
                    status=status,
                    fee=fee,
                    travel_cost=travel,
                )
            )


def test_budget_rows_show_each_months_figures(services, admin):
    _visits(services)
    stats = services.dispatch_stats.statistics(admin, 2025)
    budget = services.settings.get().dispatch_budget_yen
    rows = {r.label: r.values for r in stats.rows if r.section == "費用(円)"}
    assert rows["予算"] == (budget,) * 13
    remaining = rows["予算残額"]
    # April nothing spent; May 22,000; June–July nothing more; August 15,000; the rest unchanged
    assert remaining[0] == budget
    assert remaining[1] == remaining[2] == remaining[3] == budget - 22_000
    assert remaining[4:12] == (budget - 37_000,) * 8
    assert remaining[12] == budget - 37_000 == budget - rows["謝金"][12] - rows["交通費"][12]

    pdf = build_statistics_pdf(stats, services.settings.get(), today=dt.date(2026, 4, 10))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert f"{budget - 22_000:,}円" in text and f"{budget - 37_000:,}円" in text
    lines = [ln for ln in text.splitlines() if "予算残額" in ln]
    assert lines and "0円" not in lines[0].replace(f"{budget - 37_000:,}円", "").replace(f"{budget:,}円", "").replace(
        f"{budget - 22_000:,}円", ""
    )
