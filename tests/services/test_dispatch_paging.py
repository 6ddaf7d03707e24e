"""DispatchService.count() and list(offset=...): the paging behind the lazy applications list."""

from __future__ import annotations

import datetime as dt

import pytest

from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.services.dispatch import ApplicationInput
from kyodo_desk.services.organizations import OrganizationInput


@pytest.fixture
def apps(services, admin):
    org = services.organizations.create(
        admin,
        OrganizationInput(kind="npo", name="NPO法人 かなざわ子育てサポート", name_kana="カナザワコソダテサポート"),
    )
    other = services.organizations.create(
        admin, OrganizationInput(kind="neighborhood", name="森山町会", name_kana="モリヤマチョウカイ")
    )
    made = []
    for i in range(23):  # several on the same day, so the id tie-break matters; two fiscal years
        received = dt.date(2025, 3, 20) + dt.timedelta(days=i // 3 * 4)
        made.append(
            services.dispatch.create(
                admin,
                ApplicationInput(
                    organization_id=(org if i % 2 else other).id,
                    dispatch_type="advisor",
                    field="accounting",
                    topic=f"相談 {i}",
                    received_on=received,
                ),
            )
        )
    services.dispatch.change_status(admin, made[0].id, made[0].version, "withdrawn", "取り下げ")
    return org, other, made


def _ids(rows):
    return [r.id for r in rows]


def test_count_matches_list(services, admin, apps):
    org, _other, made = apps
    assert services.dispatch.count(admin) == len(made) == len(services.dispatch.list(admin))
    fy = fiscal_year_of(dt.date(2025, 4, 1))
    for kw in (
        {"fiscal_year": fy},
        {"fiscal_year": fy - 1},
        {"organization_id": org.id},
        {"status": "received"},
        {"status": "withdrawn"},
        {"status": "completed"},
        {"fiscal_year": fy, "organization_id": org.id, "status": "received"},
    ):
        assert services.dispatch.count(admin, **kw) == len(services.dispatch.list(admin, **kw)), kw
    assert services.dispatch.count(admin, fiscal_year=fy) + services.dispatch.count(admin, fiscal_year=fy - 1) == len(
        made
    )
    assert 0 < services.dispatch.count(admin, fiscal_year=fy) < len(made)
    assert services.dispatch.count(admin, status="withdrawn") == 1
    assert services.dispatch.count(admin, status="received") == len(made) - 1


def test_offset_pages_do_not_overlap_and_keep_the_order(services, admin, apps):
    _org, _other, made = apps
    whole = services.dispatch.list(admin)
    assert [(r.received_on, r.id) for r in whole] == sorted(((r.received_on, r.id) for r in whole), reverse=True)
    pages = [services.dispatch.list(admin, offset=o, limit=5) for o in range(0, 30, 5)]
    flat = [i for page in pages for i in _ids(page)]
    assert flat == _ids(whole) and len(set(flat)) == len(made)
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3, 0]
    assert _ids(services.dispatch.list(admin, limit=4)) == _ids(whole)[:4]  # old callers: no offset
