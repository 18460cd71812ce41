"""What every service's create_app does the same way."""

import json
import os
from decimal import Decimal

from flask.json.provider import DefaultJSONProvider
from werkzeug.middleware.proxy_fix import ProxyFix

from .database import ping_idle_connections
from .errors import BillPayApi, register_error_handlers
from .health import health
from .logs import configure_logging, init_request_logging
from .metrics import init_metrics
from .settings import read_settings


class DecimalJSONProvider(DefaultJSONProvider):
    """JSON numbers with a fraction are read as Decimal, so money never passes through float."""

    def loads(self, s, **kwargs):
        kwargs.setdefault("parse_float", Decimal)
        return json.loads(s, **kwargs)


def load_config(app, config_class):
    """The settings read from the environment (a wrong value exits, naming it), then config_class's values."""
    app.config.from_mapping(read_settings(config_class.settings_class).flask_config())
    app.config.from_object(config_class)
    os.makedirs(app.config["BILLPAY_VAR_DIR"], exist_ok=True)


def init_common(app, blueprints=()):
    """Logging, JSON, errors, health, metrics and the OpenAPI-documented blueprints; returns the Api."""
    configure_logging(app.config["SERVICE_NAME"], app.config["LOG_LEVEL"])
    ping_idle_connections()
    app.json = DecimalJSONProvider(app)
    if app.config["TRUSTED_PROXY_COUNT"]:
        count = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    api = BillPayApi(app)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    register_error_handlers(app)
    init_request_logging(app)
    init_metrics(app)
    app.register_blueprint(health)
    return api
