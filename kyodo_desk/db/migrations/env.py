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

        engine = create_db_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.connect() as connection:
            _run(connection)
        return
    _run(connection)


def _include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Autogenerate must not see the FTS5 virtual tables and their shadow tables (made in 0001, 0007)
    nor the expression index over kyodo_grams(text) on PostgreSQL (0007)."""
    if type_ == "index" and name == "ix_search_document_grams":
        return False
    return not (type_ == "table" and name and name.startswith(("search_fts", "search_grams")))


def _run(connection) -> None:
    context.configure(
        include_object=_include_object,
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
