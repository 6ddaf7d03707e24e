"""The events bus on PostgreSQL: another desk's write reaches the screens through the listener
thread (LISTEN/NOTIFY) without any poll, and a write this desk announced is not announced twice."""

from __future__ import annotations

import pytest

from kyodo_desk.db.engine import Database
from kyodo_desk.services.container import Services
from kyodo_desk.services.organizations import OrganizationInput


@pytest.fixture
def other_desk(db_url):
    database = Database.from_url(db_url)
    yield Services(database)
    database.dispose()


def test_another_desks_write_arrives_through_the_listener(qtbot, make_ctx, admin, staff_actor, other_desk):
    ctx = make_ctx(admin)
    if not ctx.services.changes.can_listen:
        pytest.skip("PostgreSQL only (set KYODO_DESK_TEST_DATABASE)")
    with qtbot.waitSignal(ctx.events.connection_changed, timeout=20_000) as up:
        ctx.events.start_polling()
    assert up.args == [True] and ctx.events.polling

    with qtbot.waitSignal(
        ctx.events.data_changed, timeout=20_000, check_params_cb=lambda kind, ids: kind == "organization"
    ) as heard:
        record = other_desk.organizations.create(staff_actor, OrganizationInput(name="別の窓口の会"))
    assert heard.args == ["organization", [record.id]]

    # this desk's own write, announced when it was saved, does not come back from the listener
    own = ctx.services.organizations.create(admin, OrganizationInput(name="この窓口の会"))
    heard_again: list = []
    ctx.events.data_changed.connect(lambda kind, ids: heard_again.append((kind, ids)))
    ctx.events.emit_changed("organization", [own.id])
    with qtbot.waitSignal(
        ctx.events.data_changed, timeout=20_000, check_params_cb=lambda kind, ids: kind == "organization"
    ):
        other_desk.organizations.create(staff_actor, OrganizationInput(name="三つ目の会"))  # comes after own's echo
    assert heard_again[0] == ("organization", [own.id])
    assert [ids for _k, ids in heard_again].count([own.id]) == 1
    ctx.events.stop_polling()
    assert not ctx.events.polling
