"""/api/*: the public JSON API, routed to the service that owns each path."""

from urllib.parse import unquote, urljoin, urlsplit

from flask import Blueprint, Response, current_app, request
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from billpay_common.errors import Forbidden, NotFound, Unavailable, error_response
from billpay_common.http import ServiceUnavailable

from . import signin
from .clients import service
from .extensions import csrf, limiter

api = Blueprint("api", __name__)
csrf.exempt(api)

ROUTES = (  # (public prefix, service, service prefix): only these reach a service
    ("/api/auth/", "auth", "/auth/"),
    ("/api/account", "invoice", "/account"),
    ("/api/invoices", "invoice", "/invoices"),
    ("/api/payments", "payment", "/payments"),
    ("/api/payment-profiles", "payment", "/payment-profiles"),
    ("/api/autopay", "payment", "/autopay"),
)
# User-Agent: with X-Forwarded-For, what a bank debit's mandate records of the subscriber's online acceptance
PASSED_REQUEST_HEADERS = ("Content-Type", "Accept", "Idempotency-Key", "Authorization", "User-Agent")
PASSED_RESPONSE_HEADERS = ("Content-Type", "Content-Disposition", "Retry-After", "Cache-Control")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _target(path):
    segments = unquote(path).split("/")
    if any(segment in (".", "..") for segment in segments) or "\\" in path:
        return None
    for prefix, name, service_prefix in ROUTES:
        base = prefix.rstrip("/")
        if path == base or path.startswith(base + "/"):
            return name, service_prefix.rstrip("/") + path[len(base) :]
    return None


def _public_location(location, name, service_path):
    """A service's Location (its own host and paths) as the public path that reaches the same place, or None
    when no public path does: the caller must never learn a service's address."""
    base = urlsplit(service(name).base_url)
    target = urlsplit(urljoin(f"{service(name).base_url}{service_path}", location))
    if (target.scheme, target.netloc) != (base.scheme, base.netloc):
        return None
    for prefix, route_name, service_prefix in ROUTES:
        service_base = service_prefix.rstrip("/")
        if route_name == name and (target.path == service_base or target.path.startswith(service_base + "/")):
            public = prefix.rstrip("/") + target.path[len(service_base) :]
            if _target(public) == (name, target.path):
                return public + (f"?{target.query}" if target.query else "")
    return None


def _authorization():
    """A Bearer header from the caller, or the portal session's token (then CSRF applies to writes)."""
    if request.headers.get("Authorization"):
        return request.headers["Authorization"]
    token = signin.current_token()
    if token and request.method in UNSAFE:
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except ValidationError as error:
            raise Forbidden(
                "Send the X-CSRFToken header with session-authenticated writes.", code="csrf_required"
            ) from error
    return f"Bearer {token}" if token else None


def forward(path):
    target = _target(path)
    if target is None:
        raise NotFound("There is no such API path.")
    name, service_path = target
    headers = {h: request.headers[h] for h in PASSED_REQUEST_HEADERS if h in request.headers}
    authorization = _authorization()
    if authorization:
        headers["Authorization"] = authorization
    headers["X-Forwarded-For"] = request.remote_addr or ""
    query = request.query_string.decode()
    try:
        upstream = service(name).request(
            request.method,
            service_path + (f"?{query}" if query else ""),
            headers=headers,
            body=request.get_data() or None,
        )
    except ServiceUnavailable as error:
        raise Unavailable(
            "That part of Bill Pay is not answering. Please try again shortly.", code="try_again_shortly"
        ) from error
    return _response(upstream, name, service_path)


def _response(upstream, name, service_path):
    response = Response(upstream.data, status=upstream.status)
    for header in PASSED_RESPONSE_HEADERS:
        if header in upstream.headers:
            response.headers[header] = upstream.headers[header]
    if "Location" in upstream.headers:
        location = _public_location(upstream.headers["Location"], name, service_path)
        if location:
            response.headers["Location"] = location
    return response


@api.post("/api/auth/login")
@limiter.limit(login_limit, scope="login")
def login():
    return forward("/api/auth/login")


@api.post("/api/auth/login/code")
@limiter.limit(login_limit, scope="login-code")
def login_code():
    """The second step of a login with two-step sign-in on: throttled like the first."""
    return forward("/api/auth/login/code")


@api.post("/api/auth/passcode/forgot")
@limiter.shared_limit(signin.forgot_limit, scope="forgot-passcode")
@limiter.shared_limit(signin.forgot_account_limit, scope="forgot-passcode-account", key_func=signin.typed_account)
def forgot_passcode():
    return forward("/api/auth/passcode/forgot")


@api.post("/webhooks/stripe")
def stripe_webhook():
    """Stripe's event deliveries reach payment_service through the one public entry: the raw body and its
    signature go on untouched (payment_service checks the signature), with no session, token or CSRF."""
    headers = {h: request.headers[h] for h in ("Content-Type", "Stripe-Signature") if h in request.headers}
    try:
        upstream = service("payment").request("POST", "/webhooks/stripe", headers=headers, body=request.get_data())
    except ServiceUnavailable as error:  # a 503 makes Stripe deliver the event again later
        raise Unavailable(
            "Payments are not answering; deliver the event again later.", code="try_again_shortly"
        ) from error
    return _response(upstream, "payment", "/webhooks/stripe")


@api.route("/api/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def route(rest):
    return forward(request.path)


@limiter.request_filter
def _route_has_no_limits():
    """The catch-all proxy has no limit of its own and the limiter no default ones (extensions.py): without this
    filter Flask-Limiter resolves and evaluates an empty set of limits on every API call (12 % of the gateway's
    CPU samples during payments). A default limit added there would have to drop this filter."""
    return request.endpoint == "api.route"


@api.errorhandler(429)
def too_many(error):
    return error_response(
        429,
        "too_many_requests",
        "Too many login attempts from this address. Wait a minute."
        if request.path in ("/api/auth/login", "/api/auth/login/code")
        else "Too many requests. Wait a while and try again.",
        headers={"Retry-After": "60"},
    )
