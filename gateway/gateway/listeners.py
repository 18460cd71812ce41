"""The gateway's two listeners: the public one, and the operators' internal one (INTERNAL_PORT).

On the public listener /metrics does not exist and /readyz tells only "ready" or "unavailable"; the reasons
(which backend failed, and how) and the metrics are for operators, on the internal listener.
"""

from flask import abort, jsonify, request

from billpay_common.health import readiness_problems

INTERNAL_LISTENER = "billpay.internal_listener"
OPERATOR_ENDPOINTS = ("metrics",)


class ListenerTag:
    """WSGI middleware that marks requests accepted on the internal port. It must wrap everything else, as
    ProxyFix may rewrite SERVER_PORT from X-Forwarded-Host."""

    def __init__(self, wsgi_app, internal_port):
        self.wsgi_app = wsgi_app
        self.internal_port = str(internal_port) if internal_port else None

    def __call__(self, environ, start_response):
        environ[INTERNAL_LISTENER] = self.internal_port is not None and _local_port(environ) == self.internal_port
        return self.wsgi_app(environ, start_response)


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


def init_listeners(app):
    """Call last in create_app, so that ListenerTag wraps the ProxyFix that init_common may add."""
    app.wsgi_app = ListenerTag(app.wsgi_app, app.config["INTERNAL_PORT"])

    @app.before_request
    def public_listener_limits():
        if on_internal_listener():
            return None
        if request.endpoint in OPERATOR_ENDPOINTS:
            abort(404)
        if request.endpoint == "health.readyz":
            if readiness_problems():
                return jsonify(status="unavailable"), 503
            return jsonify(status="ready")
        return None
