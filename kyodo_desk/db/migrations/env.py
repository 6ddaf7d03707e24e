"""Alembic environment.  Always run through :mod:`kyodo_desk.db.migrate`, which hands us an open
connection (``config.attributes['connection']``) so that the engine set-up in ``db/engine.py`` applies."""

from alembic import context

from kyodo_desk.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # alembic CLI use: build an engine from the URL option
        from kyodo_desk.db.engine import create_db_engine

        engine = create_db_engine(config.get_main_option("sqlalchemy.url"))
        with engine.connect() as connection:
            _run(connection)
        return
    _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; use `kyodo-desk db upgrade`")
run_migrations_online()
