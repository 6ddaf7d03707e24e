"""Settings of every desk connection to PostgreSQL.

A desk's statements are short (a search, a page of a list, one record's save) and several desks
share the server's cores, so two planner features meant for long analytical queries are off:

* ``jit = off``: PostgreSQL compiles a statement whose estimated cost passes ``jit_above_cost``
  to machine code first.  The search box's grouped statement over ten years of records is such a
  statement — compiling it took 1.8 s of a 1.9 s 「町会」 search (the search itself: 60 ms).
* ``max_parallel_workers_per_gather = 0``: a parallel plan starts worker processes for a
  statement that takes milliseconds, and takes cores from the other desks: 「会計」 over the
  large demo 100–115 ms with workers, 50–75 ms without.

They are set per connection (SET in autocommit, so a rolled-back transaction cannot undo them),
leaving the server's configuration to its administrator for other clients.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

DESK_SETTINGS = {"jit": "off", "max_parallel_workers_per_gather": "0"}


def configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no branch
        autocommit = dbapi_conn.autocommit
        dbapi_conn.autocommit = True
        with dbapi_conn.cursor() as cur:
            for name, value in DESK_SETTINGS.items():
                cur.execute(f"SET {name} = {value}")
        dbapi_conn.autocommit = autocommit
