"""gateway: the portal's pages, the session cookie, and /api/* routed to the services. No business data."""

import os
import secrets

from flask import Flask

from billpay_common.app import init_common, load_config

from .clients import init_clients
from .config import Config
from .extensions import csrf, limiter, limiter_storage_uri, redis_ext
from .listeners import init_listeners, on_console_listener
from .security import init_security_headers
from .session import ListenerSessions, RedisSessionInterface


def create_app(config_class=Config):
    app = Flask(__name__, static_folder=None)
    load_config(app, config_class)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _local_secret(app.config["BILLPAY_VAR_DIR"])
    redis_ext.init_app(app)
    app.session_interface = ListenerSessions(
        RedisSessionInterface(redis_ext, app.config["SESSION_IDLE_SECONDS"]),
        RedisSessionInterface(
            redis_ext, app.config["CONSOLE_IDLE_SECONDS"], "billpay_console", "console-session", "/console"
        ),
        on_console_listener,
    )
    app.config.setdefault("RATELIMIT_STORAGE_URI", limiter_storage_uri(app.config["REDIS_URL"]))
    app.config.setdefault("RATELIMIT_KEY_PREFIX", app.config["REDIS_KEY_PREFIX"] + "ratelimit")
    limiter.init_app(app)
    csrf.init_app(app)
    init_clients(app)

    from .console import register_console
    from .openapi import openapi
    from .portal import register_pages
    from .proxy import api

    init_common(app)
    app.register_blueprint(api)
    app.register_blueprint(openapi)
    register_pages(app)
    register_console(app)
    init_security_headers(app)
    init_listeners(app)
    return app


def _local_secret(var_dir):
    """Without SESSION_SECRET_KEY every process on this machine shares one key kept under var/ (dev only)."""
    path = os.path.join(var_dir, "gateway-secret")
    try:
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
            file.write(secrets.token_hex(32))
    except FileExistsError:
        pass
    with open(path) as file:
        return file.read().strip()
