"""The accounting office's credential: a key from the environment, never a subscriber token (services call
each other with their own keys: service_auth)."""

import functools
import hmac

from flask import current_app, g, request

from .errors import Forbidden, Unauthorized

OPS_HEADER = "X-Ops-Key"
ACTOR_HEADER = "X-Ops-Actor"


def _matches(given, expected):
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def _require(header, allowed_keys, what):
    given = request.headers.get(header, "")
    if not given:
        raise Unauthorized(f"This is for {what}: send the {header} header.", code="missing_credential")
    if not any(_matches(given, key) for key in allowed_keys):
        raise Forbidden(f"That {header} is not valid.", code="bad_credential")


def ops_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        _require(OPS_HEADER, [current_app.config["OPS_API_KEY"]], "the accounting office")
        g.actor = "ops:" + (request.headers.get(ACTOR_HEADER) or "api")[:60]
        return view(*args, **kwargs)

    return wrapper
