"""The load test of issue 16 run briefly: 2 desk processes × a few seconds on PostgreSQL through
the services a desk uses — no errors, and everything a desk was told was saved is in the database.
(Timing is printed, never asserted.)"""

from __future__ import annotations

import pytest

from kyodo_desk.bench.desks import ACTIONS, run_desks, table


def test_two_desks_work_a_busy_mix_with_no_error_and_nothing_lost(db_url, services):
    if services.db.is_sqlite:
        pytest.skip("the load test is for several desks on one PostgreSQL server")
    services.db.dispose()
    single = run_desks(db_url, 1, 3)
    many = run_desks(db_url, 2, 5)
    print(table(single, many))
    for run in (single, many):
        assert run.errors == []
        assert all(run.samples_ms[a] for a in ACTIONS)  # every action of the mix was done at least once
        assert run.acknowledged == run.stored  # nothing lost, nothing stored twice
        assert all(v > 0 for v in run.acknowledged.values())
