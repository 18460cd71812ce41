"""Friendly pages instead of JSON for the portal's own URLs."""

import logging

import redis
from flask import render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from billpay_common.errors import error_response, http_error_response, unexpected_error_response

from ..listeners import on_console_listener
from .backend import Unreachable

log = logging.getLogger(__name__)


def _page(status, title, message):
    template = "console/error.html" if on_console_listener() else "error.html"
    return render_template(template, title=title, message=message), status


def register(app):
    """Pages for portal URLs; JSON (the shared envelope) for /api/*."""

    def is_api():
        return request.path.startswith("/api/")

    @app.errorhandler(Unreachable)
    def unreachable(error):
        log.warning("service unreachable: %s", error)
        if is_api():
            return error_response(503, "try_again_shortly", "Please try again shortly.")
        return _page(
            503,
            "Temporarily unavailable",
            "This part of Bill Pay is not answering right now. Please try again in a few minutes.",
        )

    @app.errorhandler(redis.RedisError)
    def session_store_down(error):
        log.warning("session store unreachable: %s", error)
        if is_api():
            return error_response(503, "try_again_shortly", "Please try again shortly.")
        return _page(503, "Temporarily unavailable", "Bill Pay cannot sign you in right now. Please try again shortly.")

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _page(400, "Please try again", "The form had expired. Go back, reload the page and send it again.")

    @app.errorhandler(HTTPException)
    def http_error(error):
        if is_api():
            return http_error_response(error)
        return _page(error.code or 500, error.name, error.description)

    @app.errorhandler(Exception)
    def unexpected(error):
        if is_api():
            return unexpected_error_response(error)
        log.exception("unhandled error")
        return _page(500, "Something went wrong", "Something went wrong on our side. Please try again shortly.")
