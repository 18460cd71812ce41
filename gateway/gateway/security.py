"""Security headers on every response; a strict Content-Security-Policy on pages: nothing inline, and besides the
portal itself only the card processor's origins (its script, its card fields' frames, its tokenization calls)."""

from flask import request

CSP = (
    "default-src 'self'; script-src 'self' {processor}; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self' {processor}; frame-src {processor}; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


def content_security_policy(processor_origins):
    origins = " ".join(processor_origins.split())
    return CSP.format(processor=origins or "'none'").replace("'self' 'none'", "'self'")


def init_security_headers(app):
    from .listeners import on_console_listener

    portal_csp = content_security_policy(app.config["CARD_PROCESSOR_ORIGINS"])
    console_csp = content_security_policy("")  # the console's pages reach no origin but their own

    @app.after_request
    def add_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html":
            headers.setdefault("Content-Security-Policy", console_csp if on_console_listener() else portal_csp)
            headers.setdefault("Cache-Control", "no-store")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        return response
