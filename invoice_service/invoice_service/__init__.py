"""invoice_service: billing accounts, invoices, charges, applied payments, reservations, balances, PDFs."""

from pathlib import Path

from flask import Flask

from billpay_common.app import init_common, load_config
from billpay_common.migrations import init_migrations
from billpay_common.tokens import init_token_verifier

from .config import Config
from .extensions import db, redis_ext

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(config_class=Config):
    app = Flask(__name__)
    load_config(app, config_class)
    db.init_app(app)
    init_migrations(app, db, MIGRATIONS)
    redis_ext.init_app(app)
    init_token_verifier(app, redis_ext.client)

    from . import api, cli, import_api, internal_api, ops_api

    init_common(app, [api.blp, internal_api.blp, ops_api.blp, import_api.blp])
    app.register_blueprint(cli.commands)
    return app
