"""On PostgreSQL the tests act as a desk role (tests/conftest.py: ``kyodo_desk_test_desk`` by default where
the server lets the URL's user create roles, or ``KYODO_DESK_TEST_DESK_ROLE``; tests/db/test_roles.py runs a
slice with a role of its own): the tests' database sessions really are that role — rows yes, schema
changes no."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from tests.conftest import DESK_ROLE

pytestmark = pytest.mark.skipif(not DESK_ROLE, reason="only when the tests act as a desk role (PostgreSQL)")


def test_sessions_act_as_the_desk_role(db):
    with db.read() as s:
        assert s.execute(text("SELECT current_user")).scalar_one() == DESK_ROLE
    with pytest.raises(ProgrammingError) as refused, db.write() as s:
        s.execute(text("ALTER TABLE organization ADD COLUMN extra integer"))
    assert refused.value.orig.sqlstate == "42501"
