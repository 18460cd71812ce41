"""The Alembic environment every service's migrations/env.py runs: Flask-Migrate's, less its logging set-up
(each service keeps its JSON logs), on the service's own Flask-SQLAlchemy engine."""

import logging

from alembic import context
from flask import current_app

log = logging.getLogger("alembic.env")


def _database():
    return current_app.extensions["migrate"].db


def _metadata():
    database = _database()
    return database.metadatas[None] if hasattr(database, "metadatas") else database.metadata


def _skip_empty_autogenerate(migration_context, revision, directives):
    """`flask db migrate` with no schema change writes no empty revision."""
    if getattr(context.config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        log.info("No changes in schema detected.")


def _run_offline():
    url = _database().engine.url.render_as_string(hide_password=False)
    context.configure(url=url, target_metadata=_metadata(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def _run_online():
    options = current_app.extensions["migrate"].configure_args
    options.setdefault("process_revision_directives", _skip_empty_autogenerate)
    with _database().engine.connect() as connection:
        context.configure(connection=connection, target_metadata=_metadata(), **options)
        with context.begin_transaction():
            context.run_migrations()


def run():
    url = _database().engine.url.render_as_string(hide_password=False).replace("%", "%%")
    context.config.set_main_option("sqlalchemy.url", url)
    if context.is_offline_mode():
        _run_offline()
    else:
        _run_online()
