"""auth_service: portal users, passcodes, lockout, token signing keys, ops credentials, access audit."""

from pathlib import Path

from flask import Flask

from billpay_common.app import init_common, load_config
from billpay_common.migrations import init_migrations
from billpay_common.tokens import init_token_verifier

from .config import Config
from .extensions import db, redis_ext
from .keys import verification_key
from .passcodes import make_hasher
from .secret_box import init_secret_box

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(config_class=Config):
    app = Flask(__name__)
    load_config(app, config_class)
    db.init_app(app)
    init_migrations(app, db, MIGRATIONS)
    redis_ext.init_app(app)
    app.extensions["auth_hasher"] = make_hasher(app.config)
    init_secret_box(app)
    init_token_verifier(app, redis_ext.client, verification_key)

    from . import api as subscriber_api
    from . import cli, mfa_api, mfa_ops_api, ops_api, passcode_api, staff_api

    init_common(app, [subscriber_api.blp, passcode_api.blp, mfa_api.blp, ops_api.blp, mfa_ops_api.blp, staff_api.blp])
    app.register_blueprint(cli.commands)
    return app
