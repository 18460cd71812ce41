"""The sandbox card processor: a processor of its own (own process, origin and storage) for `make run` and the
tests. It serves a Stripe.js-compatible script, card fields in iframes on its own origin, a tokenization
endpoint and charges by token, so the portal takes a card the same way with it as with Stripe. Never deployed
in production (no production image holds it; only the local Compose world's docker-compose.demo.yml runs it in
a container; payment_service refuses it when BILLPAY_ENVIRONMENT=production)."""

from flask import Flask
from sqlalchemy.exc import OperationalError

from billpay_common.app import init_common, load_config

from .config import Config
from .ledger import db


def create_app(config_class=Config):
    app = Flask(__name__, static_folder=None)
    load_config(app, config_class)
    db.init_app(app)
    with app.app_context():
        try:
            db.create_all()
        except OperationalError:  # another process of the same server created them at the same moment
            db.create_all()

    from . import api, browser, setup_intents_api

    init_common(app, [api.blp, setup_intents_api.blp])
    app.register_blueprint(browser.pages)
    return app
