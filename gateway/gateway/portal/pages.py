"""Small helpers the portal's page modules share."""

from urllib.parse import quote, urlencode

from flask import abort

from .backend import BackendError, call


def fetch(service, path, **query):
    """GET from a service as the subscriber; a 4xx becomes the matching error page with the service's words."""
    clean = {key: value for key, value in query.items() if value is not None}
    try:
        return call(service, "GET", path + (f"?{urlencode(clean)}" if clean else ""))
    except BackendError as error:
        abort(error.status if 400 <= error.status < 500 else 502, description=error.message)


def segment(value):
    """A path segment for a service URL, whatever the subscriber typed in the portal's own URL."""
    return quote(str(value), safe="")


def page_number(text):
    try:
        return max(1, min(int(text), 100000))
    except (TypeError, ValueError):
        return 1
