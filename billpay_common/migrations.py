"""`flask db ...` (Flask-Migrate) on every service, with Alembic imported only when a migration command runs.

A web or worker process never migrates (boot.sh's `migrate` does, as its own process), yet importing
Flask-Migrate brings Alembic, Mako and Pygments: about 11 MB of every process's RSS. So create_app registers a
`db` command group that stands in for Flask-Migrate's own until one of its commands is looked up."""

from pathlib import Path

import click
from flask import Flask
from flask_sqlalchemy import SQLAlchemy


def init_migrations(app: Flask, db: SQLAlchemy, directory: Path) -> None:
    app.extensions["billpay_migrations"] = (db, directory)
    app.cli.add_command(_MigrationCommands(app))


def enable_migrations(app: Flask) -> None:
    """Flask-Migrate set up on the app (idempotent), for code that calls flask_migrate.upgrade() and the like."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    db, directory = app.extensions["billpay_migrations"]
    Migrate(app, db, directory=str(directory))


class _MigrationCommands(click.Group):
    """Stands in for Flask-Migrate's `db` group in `flask --help`; `flask db ...` hands the whole command line to
    the real group (its options, its commands), imported then."""

    def __init__(self, app: Flask):
        super().__init__("db", help="Perform database migrations (Flask-Migrate).")
        self._app = app

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        enable_migrations(self._app)
        from flask_migrate.cli import db

        return db.make_context(info_name, args, parent=parent, **extra)
