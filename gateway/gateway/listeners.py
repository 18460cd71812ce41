"""The gateway's listeners: the public one, the operators' internal one (INTERNAL_PORT) and the office console's
(CONSOLE_PORT).

On the public listener /metrics does not exist and /readyz tells only "ready" or "unavailable"; the reasons
(which backend failed, and how) and the metrics are for operators, on the internal listener. The office console's
pages exist on the console listener only, and that listener serves nothing but them and the health checks: the
public Ingress routes the public port alone, so no request from the internet can reach a console page.
"""

from flask import abort, jsonify, request
from werkzeug.exceptions import NotFound

from billpay_common.health import readiness_problems

INTERNAL_LISTENER = "billpay.internal_listener"
CONSOLE_LISTENER = "billpay.console_listener"
OPERATOR_ENDPOINTS = ("metrics",)
CONSOLE_BLUEPRINT = "console"
CONSOLE_PREFIX = "console"  # the console's URLs start /console/, on the console listener only


class ListenerTag:
    """WSGI middleware that marks requests accepted on the internal and console ports. It must wrap everything
    else, as ProxyFix may rewrite SERVER_PORT from X-Forwarded-Host."""

    def __init__(self, wsgi_app, internal_port, console_port=0):
        self.wsgi_app = wsgi_app
        self.internal_port = str(internal_port) if internal_port else None
        self.console_port = str(console_port) if console_port else None

    def __call__(self, environ, start_response):
        port = _local_port(environ)
        environ[INTERNAL_LISTENER] = self.internal_port is not None and port == self.internal_port
        on_console = environ[CONSOLE_LISTENER] = self.console_port is not None and port == self.console_port
        if _first_segment(environ) in CONSOLE_SEGMENTS[on_console]:
            return self.wsgi_app(environ, start_response)
        return NotFound()(environ, start_response)  # before Flask: no hook, CSRF check or page runs for it


def _first_segment(environ):
    return environ.get("PATH_INFO", "").lstrip("/").split("/", 1)[0]


class _Everything:
    def __contains__(self, segment):
        return segment != CONSOLE_PREFIX


# which first path segments each kind of listener serves: the console's only the console and health checks
CONSOLE_SEGMENTS = {True: (CONSOLE_PREFIX, "healthz", "readyz"), False: _Everything()}


def _local_port(environ):
    """The port of the socket that accepted the request. gunicorn's SERVER_PORT is that port for a TCP listener
    but comes from the Host header for a unix socket, so under gunicorn the connection itself is asked."""
    connection = environ.get("gunicorn.socket")
    if connection is None:
        return environ.get("SERVER_PORT")  # werkzeug's servers set it from the listening socket
    address = connection.getsockname()
    return str(address[1]) if isinstance(address, tuple) else None


def on_internal_listener():
    return bool(request.environ.get(INTERNAL_LISTENER))


def on_console_listener():
    return bool(request.environ.get(CONSOLE_LISTENER))


def init_listeners(app):
    """Call last in create_app, so that ListenerTag wraps the ProxyFix that init_common may add."""
    app.wsgi_app = ListenerTag(app.wsgi_app, app.config["INTERNAL_PORT"], app.config["CONSOLE_PORT"])

    @app.before_request
    def listener_limits():
        if on_console_listener():
            return None  # ListenerTag let through the console's pages and the health checks only
        if request.blueprint == CONSOLE_BLUEPRINT:
            abort(404)  # ListenerTag stopped these already; a second lock costs nothing
        if on_internal_listener():
            return None
        if request.endpoint in OPERATOR_ENDPOINTS:
            abort(404)
        if request.endpoint == "health.readyz":
            if readiness_problems():
                return jsonify(status="unavailable"), 503
            return jsonify(status="ready")
        return None
