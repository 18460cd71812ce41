"""What the browser loads from the sandbox's own origin: the Stripe.js-compatible script, the card fields' pages
(one per field, each inside an iframe of the portal's page) and the bank-account page (collectBankAccountForSetup's
frame in its dialog: routing number, account number, checking or savings)."""

from pathlib import Path

from flask import Blueprint, abort, current_app, render_template_string, request, send_from_directory

from billpay_common.errors import DomainError

from . import setup_intents

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
STATIC_FILES = ("field.js", "field.css", "bank_account.js")

BANK_ACCOUNT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bank account</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/field.css"></head>
<body><main><form id="bank" novalidate>
<p>Enter the account's numbers as they appear on a check. They are sent to the payment processor only.</p>
{% for name, label, hint in [("routing_number", "Routing number", "9 digits"),
                              ("account_number", "Account number", "4 to 17 digits")] %}
<label for="{{ name }}">{{ label }}</label>
<input id="{{ name }}" name="{{ name }}" inputmode="numeric" autocomplete="off" spellcheck="false"
 placeholder="{{ hint }}" aria-describedby="{{ name }}-error">
<p class="field-error" id="{{ name }}-error" aria-live="polite"></p>
{% endfor %}
<fieldset aria-describedby="account_type-error"><legend>Account type</legend>
<label class="choice"><input type="radio" name="account_type" value="checking" checked> Checking</label>
<label class="choice"><input type="radio" name="account_type" value="savings"> Savings</label>
</fieldset>
<p class="field-error" id="account_type-error" aria-live="polite"></p>
<p class="field-error" id="form-error" aria-live="polite"></p>
<p class="actions"><button type="submit" id="connect">Connect account</button>
<button type="button" id="cancel">Cancel</button></p>
</form></main>
<script src="/static/bank_account.js"></script></body></html>
"""


MICRODEPOSITS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Verify your bank account</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/field.css"></head>
<body><main><h1>Verify your bank account</h1>
{% if verified %}<p role="status">Your bank account is verified. You can close this page.</p>
{% else %}
<p>Two small deposits were sent to your bank account. Enter their amounts, in cents, as your statement shows them.</p>
{% if error %}<p class="field-error" role="alert">{{ error }}</p>{% endif %}
<form method="post" novalidate>
<label for="first">First deposit (cents)</label><input id="first" name="first" inputmode="numeric" autocomplete="off">
<label for="second">Second deposit (cents)</label>
<input id="second" name="second" inputmode="numeric" autocomplete="off">
<p class="actions"><button type="submit">Verify</button></p>
</form>{% endif %}
</main></body></html>
"""


@pages.route("/microdeposits/<client_secret>", methods=["GET", "POST"])
def microdeposits(client_secret):
    """The page a SetupIntent's next_action links to (as Stripe hosts one): enter the two deposits' amounts."""
    try:
        setup = setup_intents.for_client(client_secret.split("_secret_")[0], client_secret)
    except DomainError:
        abort(404)
    verified, error = setup.status == "succeeded", None
    if request.method == "POST" and not verified:
        try:
            amounts = [int(request.form.get(name, "")) for name in ("first", "second")]
            setup_intents.verify_microdeposits(setup, amounts)
            verified = True
        except ValueError:
            error = "Enter both amounts as whole cents, for example 32."
        except DomainError as refused:
            error = refused.message
    page = render_template_string(MICRODEPOSITS_PAGE, verified=verified, error=error)
    return page, 400 if error else 200, {"Content-Type": "text/html; charset=utf-8"}


@pages.get("/v3/")
def stripe_js():
    response = send_from_directory(STATIC, "sandbox-v3.js", mimetype="text/javascript", max_age=0)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@pages.get("/static/<name>")
def static_file(name):
    if name not in STATIC_FILES:
        abort(404)
    return send_from_directory(STATIC, name, max_age=0)


@pages.get("/collect/us_bank_account")
def bank_account_page():
    """collectBankAccountForSetup's frame (inside the sandbox's dialog on the portal's page)."""
    return render_template_string(BANK_ACCOUNT_PAGE), 200, {"Content-Type": "text/html; charset=utf-8"}


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
    if request.path.startswith("/v1/"):  # as Stripe's API: the browser's calls (publishable key) come cross-origin
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
    return response
