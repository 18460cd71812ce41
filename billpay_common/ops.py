"""Service-to-service credentials: shared keys from the environment, never subscriber tokens. (The office's
endpoints take staff tokens: billpay_common.staff_auth.)"""

import functools
import hmac

from flask import current_app, request

from .errors import Forbidden, Unauthorized

OPS_HEADER = "X-Ops-Key"
SERVICE_HEADER = "X-Service-Key"


def _matches(given, expected):
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def _require(header, allowed_keys, what):
    given = request.headers.get(header, "")
    if not given:
        raise Unauthorized(f"This is for {what}: send the {header} header.", code="missing_credential")
    if not any(_matches(given, key) for key in allowed_keys):
        raise Forbidden(f"That {header} is not valid.", code="bad_credential")


def service_required(view):
    """Internal endpoints, called by other Bill Pay services (or ops)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.headers.get(OPS_HEADER):
            _require(OPS_HEADER, [current_app.config["OPS_API_KEY"]], "the accounting office")
        else:
            _require(SERVICE_HEADER, [current_app.config["SERVICE_API_KEY"]], "Bill Pay services")
        return view(*args, **kwargs)

    return wrapper
