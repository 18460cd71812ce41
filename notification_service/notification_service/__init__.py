"""notification_service: queued e-mail jobs, templates, SMTP delivery, retries, dead letters, delivery log."""

from pathlib import Path

from flask import Flask
from sqlalchemy import event

from billpay_common.app import init_common, load_config
from billpay_common.migrations import init_migrations
from billpay_common.tokens import init_token_verifier

from .config import Config
from .extensions import db, redis_ext
from .metrics import init_queue_metrics
from .stream import EmailStream

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(config_class=Config):
    app = Flask(__name__)
    load_config(app, config_class)
    db.init_app(app)
    init_migrations(app, db, MIGRATIONS)
    redis_ext.init_app(app)
    with app.app_context():
        _tune_sqlite(db.engine)
    app.extensions["email_stream"] = EmailStream(redis_ext.client, app.config["REDIS_KEY_PREFIX"])
    init_token_verifier(app, redis_ext.client)  # staff tokens of the office's endpoints

    from . import cli, ops_api

    init_common(app, [ops_api.blp])
    init_queue_metrics(app)
    app.register_blueprint(cli.commands)
    return app


def _tune_sqlite(engine):
    """Several worker processes write the embedded SQLite log at once: WAL lets them without "database is locked"."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _pragmas(connection, _record):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def make_worker(app):
    from .smtp import SmtpTransport
    from .worker import Worker

    transport = SmtpTransport(app.config["SMTP_URL"], app.config["SMTP_TIMEOUT_SECONDS"])
    return Worker(app.config, app.extensions["email_stream"], transport)
