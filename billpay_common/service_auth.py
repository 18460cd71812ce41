"""Service-to-service credentials: one key per calling service, receivers holding only SHA-256 digests.

A caller sends its own key in X-Service-Key; the receiver finds which caller's digest it matches (that names
the caller) and lets the request through only when the endpoint names that caller. A receiver never holds a
key it could call anyone with, and a stolen receiver's settings give nothing to present. Random 32-byte keys
need no slow hash: SHA-256 of a key that cannot be guessed cannot be reversed either.

New key and its digest: `python -m billpay_common.service_auth payment_service`.
"""

import functools
import hashlib
import hmac
import re
import secrets
import sys

from flask import current_app, g, request

from .errors import Forbidden, Unauthorized

SERVICE_HEADER = "X-Service-Key"
CALLER_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
DIGEST = re.compile(r"[0-9a-f]{64}")
MIN_KEY_LENGTH = 32


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def parse_callers(text: str) -> tuple[tuple[str, str], ...]:
    """`payment_service=<sha256 hex>, ...` as (caller, digest) pairs; a caller may appear twice while its key
    is rotated. Raises ValueError naming the entry that is wrong."""
    pairs = []
    for position, entry in enumerate(filter(None, re.split(r"[\s,]+", text.strip())), start=1):
        caller, _, hexdigest = entry.partition("=")
        if not CALLER_NAME.fullmatch(caller) or not DIGEST.fullmatch(hexdigest.lower()):
            raise ValueError(f"entry {position} must read caller_service=<64 hex digits: the SHA-256 of its key>")
        pairs.append((caller, hexdigest.lower()))
    return tuple(pairs)


def check_key(key: str) -> str:
    """A caller's own key: empty (it calls no one) or long enough not to be guessed."""
    if key and len(key) < MIN_KEY_LENGTH:
        raise ValueError(
            f"must be at least {MIN_KEY_LENGTH} characters (make one: python -m billpay_common.service_auth)"
        )
    return key


def identify_caller(key: str, accepted: tuple[tuple[str, str], ...]) -> str | None:
    """The caller whose digest the key matches, or None; every digest is compared, in constant time each."""
    given, found = digest(key), None
    for caller, expected in accepted:
        if hmac.compare_digest(given, expected):
            found = caller
    return found


def accepted_callers(config) -> tuple[tuple[str, str], ...]:
    """The receiver's (caller, digest) pairs, from the setting its Config names (SERVICE_CALLERS_SETTING)."""
    return parse_callers(config.get(config.get("SERVICE_CALLERS_SETTING", ""), "") or "")


def service_required(*allowed_callers: str):
    """An internal endpoint, for the named Bill Pay services only: `@service_required("payment_service")`.
    The caller's name becomes g.actor (`service:payment_service`) for whatever the endpoint audits."""
    if not allowed_callers or not all(CALLER_NAME.fullmatch(name) for name in allowed_callers):
        raise TypeError("service_required needs the names of the services allowed to call")

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            g.service_caller = _authenticated_caller(allowed_callers)
            g.actor = f"service:{g.service_caller}"
            return view(*args, **kwargs)

        return wrapper

    return decorate


def _authenticated_caller(allowed_callers):
    key = request.headers.get(SERVICE_HEADER, "")
    if not key:
        raise Unauthorized(
            f"This endpoint is for Bill Pay services: send the calling service's own {SERVICE_HEADER}.",
            code="missing_credential",
        )
    caller = identify_caller(key, accepted_callers(current_app.config))
    if caller is None:
        raise Forbidden(f"That {SERVICE_HEADER} is not the key of any service this one accepts.", code="bad_credential")
    if caller not in allowed_callers:
        raise Forbidden(
            f"{caller} may not call this endpoint; only {', '.join(allowed_callers)} may.", code="caller_not_allowed"
        )
    return caller


def service_headers(key: str) -> dict[str, str]:
    """The headers a caller sends with its own key."""
    return {SERVICE_HEADER: key} if key else {}


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not CALLER_NAME.fullmatch(args[0]):
        print("usage: python -m billpay_common.service_auth CALLER_SERVICE (e.g. payment_service)", file=sys.stderr)
        return 2
    caller, key = args[0], secrets.token_urlsafe(32)
    print(f"{caller.upper()}_KEY={key}")
    print(f"accepted by a receiver's *_SERVICE_CALLERS as: {caller}={digest(key)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
