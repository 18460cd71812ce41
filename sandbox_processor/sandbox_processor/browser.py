"""What the browser loads from the sandbox's own origin: the Stripe.js-compatible script and the card fields'
pages (one per field, each inside an iframe of the portal's page)."""

from pathlib import Path

from flask import Blueprint, abort, current_app, render_template_string, request, send_from_directory

STATIC = Path(__file__).resolve().parent / "static"
FIELDS = {"cardNumber": "Card Number", "cardExpiry": "Expiration Date (MM / YY)", "cardCvc": "Card Code"}
PLACEHOLDERS = {"cardNumber": "1234 1234 1234 1234", "cardExpiry": "MM / YY", "cardCvc": "CVC"}

pages = Blueprint("sandbox_browser", __name__)

FIELD_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ label }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/field.css"></head>
<body><main><input id="field" name="{{ kind }}" aria-label="{{ label }}" placeholder="{{ placeholder }}"
 inputmode="numeric" autocomplete="{{ autocomplete }}" spellcheck="false" data-kind="{{ kind }}"></main>
<script src="/static/field.js"></script></body></html>
"""
AUTOCOMPLETE = {"cardNumber": "cc-number", "cardExpiry": "cc-exp", "cardCvc": "cc-csc"}


@pages.get("/v3/")
def stripe_js():
    response = send_from_directory(STATIC, "sandbox-v3.js", mimetype="text/javascript", max_age=0)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@pages.get("/static/<name>")
def static_file(name):
    if name not in ("field.js", "field.css"):
        abort(404)
    return send_from_directory(STATIC, name, max_age=0)


@pages.get("/elements/<kind>")
def field_page(kind):
    if kind not in FIELDS:
        abort(404)
    html = render_template_string(
        FIELD_PAGE,
        kind=kind,
        label=request.args.get("label", FIELDS[kind])[:60],
        placeholder=PLACEHOLDERS[kind],
        autocomplete=AUTOCOMPLETE[kind],
    )
    return html, 200, {"Content-Type": "text/html; charset=utf-8"}


@pages.after_app_request
def content_security_policy(response):
    ancestors = current_app.config["SANDBOX_FRAME_ANCESTORS"]
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors {ancestors}; base-uri 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
