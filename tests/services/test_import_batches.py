"""A long import on SQLite commits in short batches (other desks are not kept waiting for seconds),
and still writes everything or nothing: a failure in a later batch takes back the batches already
committed — new rows deleted, updated rows and their search rows put back (issue 16)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kyodo_desk.db.lending_models import Device, DeviceModel, DeviceStateChange
from kyodo_desk.db.models import AuditLog, Organization, SearchDocument
from kyodo_desk.services.imports import ImportService, batches, devices, organizations
from kyodo_desk.services.organizations import OrganizationInput


@pytest.fixture
def imports(services):
    return ImportService(services.db, services.settings)


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(batches, "BATCH_ROWS", 40)


def _counts(services) -> dict[str, int]:
    with services.db.read() as s:
        return {
            m.__tablename__: s.scalar(select(func.count()).select_from(m))
            for m in (Organization, SearchDocument, Device, DeviceModel, DeviceStateChange)
        }


def _roster(rows: int) -> bytes:
    body = "団体名,種別,電話番号\n" + "".join(f"取込団体{i:04d},NPO法人,076-000-{i:04d}\n" for i in range(rows))
    return (body + "森山子育ての会,NPO法人,076-999-0000\n").encode()  # an update of a registered one, last


def _batch_rows(services) -> list[str]:
    with services.db.read() as s:
        return list(s.scalars(select(AuditLog.detail).where(AuditLog.entity == "import").order_by(AuditLog.id)))


def test_a_long_import_commits_in_batches_and_everything_is_there(services, imports, admin, small_batches):
    existing = services.organizations.create(
        admin, OrganizationInput(kind="npo", name="森山子育ての会", phone="076-111-2222")
    )
    table, mapping, values = imports.open_file(admin, "organizations", _roster(150), "roster.csv")
    result = imports.run(admin, "organizations", table, mapping, values)
    assert (result.created, result.updated) == (150, 1)
    if services.db.is_sqlite:
        assert [d.split()[1] for d in _batch_rows(services)] == [f"batch={n}/4" for n in range(1, 5)]
    else:  # PostgreSQL: one transaction (a long one blocks no other desk's writes there)
        assert _batch_rows(services) == []
    assert _counts(services)["organization"] == 151
    assert services.organizations.get(admin, existing.id).phone == "076-999-0000"
    hits = services.search.search_grouped(admin, "取込団体0149")
    assert [h.title for g in hits for h in g.hits] == ["取込団体0149"]


def test_a_failure_in_a_later_batch_takes_back_the_batches_already_committed(
    services, imports, admin, small_batches, monkeypatch
):
    if not services.db.is_sqlite:
        pytest.skip("batches are for SQLite's single write lock")
    existing = services.organizations.create(
        admin, OrganizationInput(kind="npo", name="森山子育ての会", phone="076-111-2222")
    )
    before = _counts(services)
    real_write, calls = organizations.write, {"n": 0}

    def failing_write(session, actor, planned, progress):
        calls["n"] += 1
        if calls["n"] == 4:  # the last batch, holding the update
            raise RuntimeError("disk full")
        return real_write(session, actor, planned, progress)

    monkeypatch.setattr(organizations, "write", failing_write)
    table, mapping, values = imports.open_file(admin, "organizations", _roster(150), "roster.csv")
    with pytest.raises(RuntimeError):
        imports.run(admin, "organizations", table, mapping, values)
    assert calls["n"] == 4
    assert _counts(services) == before  # the three committed batches are gone again
    assert services.organizations.get(admin, existing.id).phone == "076-111-2222"
    assert services.search.search_grouped(admin, "取込団体") == []
    assert _batch_rows(services)[-1].endswith("rolled back")


def test_an_updated_row_in_a_committed_batch_is_put_back_with_its_search_row(
    services, imports, admin, small_batches, monkeypatch
):
    if not services.db.is_sqlite:
        pytest.skip("batches are for SQLite's single write lock")
    existing = services.organizations.create(
        admin, OrganizationInput(kind="npo", name="森山子育ての会", phone="076-111-2222")
    )
    real_write, calls = organizations.write, {"n": 0}

    def failing_write(session, actor, planned, progress):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real_write(session, actor, planned, progress)

    monkeypatch.setattr(organizations, "write", failing_write)
    body = "団体名,種別,電話番号,住所\n森山子育ての会,NPO法人,076-999-0000,金沢市広坂\n" + "".join(
        f"取込団体{i:04d},NPO法人,076-000-{i:04d},\n" for i in range(100)
    )
    table, mapping, values = imports.open_file(admin, "organizations", body.encode(), "roster.csv")
    with pytest.raises(RuntimeError):
        imports.run(admin, "organizations", table, mapping, values)
    record = services.organizations.get(admin, existing.id)
    assert (record.phone, record.address) == ("076-111-2222", "")
    assert record.version > existing.version  # a desk holding the imported copy cannot save over it
    assert services.search.search_grouped(admin, "広坂") == []
    assert [h.ref_id for g in services.search.search_grouped(admin, "森山") for h in g.hits] == [existing.id]


def test_a_device_import_failing_late_leaves_no_device_model_or_history(
    services, imports, admin, small_batches, monkeypatch
):
    if not services.db.is_sqlite:
        pytest.skip("batches are for SQLite's single write lock")
    before = _counts(services)
    real_write, calls = devices.write, {"n": 0}

    def failing_write(session, actor, planned, prefix, progress):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real_write(session, actor, planned, prefix, progress)

    monkeypatch.setattr(devices, "write", failing_write)
    body = "管理番号,種類,製造元,品名,製造番号\n" + "".join(
        f"T{i:04d},タブレット,アップル,iPad {i % 3},SN{i:05d}\n" for i in range(100)
    )
    table, mapping, values = imports.open_file(admin, "devices", body.encode(), "devices.csv")
    with pytest.raises(RuntimeError):
        imports.run(admin, "devices", table, mapping, values)
    assert _counts(services) == before
