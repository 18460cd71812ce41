"""payment_service: payments and their allocations, card rules, the processor adapter, saved profiles,
AutoPay, idempotency records and the outbox."""

from pathlib import Path

from flask import Flask
from sqlalchemy import event

from billpay_common.app import init_common, load_config
from billpay_common.migrations import init_migrations
from billpay_common.tokens import init_token_verifier

from .config import Config
from .extensions import db, redis_ext
from .processor import load_processor

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_wal(app):
    """SQLite in WAL mode: readers never wait for the writer (the embedded default only)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return

    with app.app_context():

        @event.listens_for(db.engine, "connect")
        def set_pragmas(connection, _record):
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()


def create_app(config_class=Config):
    app = Flask(__name__)
    load_config(app, config_class)
    db.init_app(app)
    _sqlite_wal(app)
    init_migrations(app, db, MIGRATIONS)
    redis_ext.init_app(app)
    init_token_verifier(app, redis_ext.client)
    app.extensions["payment_processor"] = load_processor(
        app.config["PAYMENT_PROCESSOR"],
        app.config["PROCESSOR_TIMEOUT_SECONDS"],
        api_key=app.config["STRIPE_API_KEY"],
        api_base=app.config["STRIPE_API_BASE"] or None,
        sandbox_url=app.config["SANDBOX_PROCESSOR_URL"],
        sandbox_key=app.config["SANDBOX_PROCESSOR_KEY"],
    )

    from . import ach_ops_api, api, autopay_api, autopay_ops_api, cli, ops_api, profiles_api, webhooks_api

    blueprints = [
        api.blp,
        profiles_api.blp,
        autopay_api.blp,
        ops_api.blp,
        ops_api.blocks,
        autopay_ops_api.blp,
        ach_ops_api.blp,
        webhooks_api.blp,
    ]
    init_common(app, blueprints)
    app.register_blueprint(cli.commands)
    return app
