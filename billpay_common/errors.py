"""One JSON error envelope for every service: {"error": {"code", "message"[, "fields"]}}."""

import logging

import redis
from flask import current_app, jsonify, request
from flask_smorest import Api
from marshmallow import Schema, fields
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import BadRequest, HTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A broken business rule; each subclass knows its HTTP status."""

    status = 400
    code = "bad_request"

    def __init__(self, message, code=None, status=None, fields=None):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.status = status or self.status
        self.fields = fields


class NotFound(DomainError):
    status, code = 404, "not_found"


class Unauthorized(DomainError):
    status, code = 401, "unauthorized"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class Conflict(DomainError):
    status, code = 409, "conflict"


class Unprocessable(DomainError):
    status, code = 422, "invalid"


class TooManyRequests(DomainError):
    status, code = 429, "too_many_requests"


class Unavailable(DomainError):
    status, code = 503, "unavailable"


class ErrorBodySchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields = fields.Dict()  # type: ignore[assignment]  # the envelope's key is named `fields`, as marshmallow's attribute


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


def error_response(status, code, message, field_errors=None, headers=None):
    body = {"code": code, "message": message}
    if field_errors:
        body["fields"] = field_errors
    response = jsonify(error=body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_messages(messages, prefix=""):
    """marshmallow's nested messages as dotted names: {"card": {"number": ["msg"]}} -> {"card.number": "msg"}."""
    flat = {}
    for name, problems in messages.items():
        key = f"{prefix}{name}"
        if isinstance(problems, dict):
            flat.update(flatten_messages(problems, key + "."))
        elif isinstance(problems, list) and problems and all(isinstance(p, str) for p in problems):
            flat[key] = problems[0]
        else:
            flat[key] = str(problems)
    return flat


def _field_errors(messages):
    """smorest's {"json": {...}, "headers": {...}} merged into one dotted-name dict."""
    flat = {}
    for location in messages.values():
        if isinstance(location, dict):
            flat.update(flatten_messages(location))
    return flat


def http_error_response(error: HTTPException):
    data = getattr(error, "data", None) or {}
    if error.code == 422 and "messages" in data:
        field_errors = _field_errors(data["messages"])
        name, problem = next(iter(field_errors.items()), (None, None))
        message = f"{name}: {problem}" if name else "Some fields are not valid."
        if name and name[0].isupper():  # a header, such as Idempotency-Key: its message says it all
            message = str(problem)
        return error_response(422, "invalid", message, field_errors)
    code = (error.name or "error").lower().replace(" ", "_")
    message = error.description or error.name or "error"
    if error.code == 400 and request.is_json and message == BadRequest.description:
        message = "The request body is not valid JSON."
    return error_response(error.code or 500, code, message, headers=data.get("headers"))


class BillPayApi(Api):
    """flask-smorest's Api with our envelope for its errors and in its OpenAPI document."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        return http_error_response(error)


def register_error_handlers(app):
    @app.errorhandler(DomainError)
    def domain_error(error):
        return error_response(error.status, error.code, error.message, error.fields, getattr(error, "headers", None))

    @app.errorhandler(HTTPException)
    def http_error(error):
        return http_error_response(error)

    for outage in (OperationalError, InterfaceError, PoolTimeout, redis.ConnectionError, redis.TimeoutError):
        app.register_error_handler(outage, outage_response)
    app.register_error_handler(Exception, unexpected_error_response)


def outage_response(error):
    """The database or Redis is unreachable: a 503 the caller can retry, never a 500 traceback."""
    log.warning("dependency unavailable: %s: %s", type(error).__name__, str(error).split("\n")[0][:200])
    db = current_app.extensions.get("sqlalchemy")
    if db is not None:
        try:
            db.session.rollback()
        except Exception:  # the connection is gone; the session is discarded at the end of the request anyway
            log.debug("rollback after outage failed", exc_info=True)
    return error_response(
        503,
        "try_again_shortly",
        "This service cannot reach its records right now. Please try again shortly.",
        headers={"Retry-After": "5"},
    )


def unexpected_error_response(error):
    log.exception("unhandled error")
    return error_response(500, "internal_error", "Something went wrong on our side. Please try again shortly.")
