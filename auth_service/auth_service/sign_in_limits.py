"""Staff sign-in attempts per client address, counted in Redis (shared by every process) in fixed windows: besides
each staff account's own lockout, one address cannot try password and code pairs across many usernames."""

import time

from flask import current_app

from billpay_common.errors import TooManyRequests

from .extensions import redis_ext


def count_staff_attempt(client_addr, now=None):
    """Count one attempt from `client_addr`; TooManyRequests once the window's allowance is spent."""
    window = current_app.config["STAFF_SIGN_IN_ADDRESS_WINDOW_SECONDS"]
    allowed = current_app.config["STAFF_SIGN_IN_ADDRESS_LIMIT"]
    started = int(now or time.time()) // window * window
    key = redis_ext.key("staff-sign-in", client_addr or "-", started)
    with redis_ext.client.pipeline() as pipe:
        count, _ = pipe.incr(key).expire(key, window).execute()
    if count > allowed:
        minutes = max(1, round((started + window - (now or time.time())) / 60))
        raise TooManyRequests(
            f"Too many staff sign-ins from this address. Try again in {minutes} minute(s).",
            code="too_many_sign_ins",
        )
