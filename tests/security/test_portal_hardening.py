"""The portal as an attacker's page would use it: every form refuses a post without its CSRF token (and with
another session's), session-cookie writes to /api/* need X-CSRFToken, every page carries the security headers,
and cookies are HttpOnly and SameSite=Lax. The list of pages and forms comes from the gateway's own URL map, so
a page added later is probed without anyone editing this file."""

import re
import uuid

import pytest

from devtools.api_client import ApiClient
from devtools.portal_browser import PortalBrowser
from tests.support.accounts import create_subscriber, pay_and_save_card
from tests.support.cards import token as card_token
from tests.support.service_apps import offline_gateway_config

ALLOWED_REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


@pytest.fixture(scope="module")
def portal_routes(redis_url, tmp_path_factory):
    """(GET rules, POST rules) of the portal, read from the gateway app itself (no request is made to it)."""
    from gateway import create_app
    from gateway.config import Config

    routes_only = offline_gateway_config(Config, redis_url, tmp_path_factory.mktemp("gateway-routes"))
    rules = [
        rule
        for rule in create_app(routes_only).url_map.iter_rules()
        if rule.endpoint.startswith("portal.") and rule.endpoint != "portal.static"
    ]
    gets = sorted(rule.rule for rule in rules if "GET" in rule.methods)
    posts = sorted(rule.rule for rule in rules if "POST" in rule.methods)
    assert "/login" in posts and "/logout" in posts, posts
    return gets, posts


@pytest.fixture(scope="module")
def customer(stack):
    """A subscriber of our own with invoices, a payment and a saved card, so every page has something to show."""
    return pay_and_save_card(create_subscriber(stack, ("70.00", "30.00"), name="Carla Customer"), "5.00")


def _url(rule, customer):
    values = {"number": customer.invoices[1], "payment_id": customer.payment_id, "profile_id": customer.profile_id}

    def value(match):
        name = match.group(1).split(":")[-1]
        assert name in values, f"portal URL {rule} has a parameter <{name}> these probes do not know: add it"
        return values[name]

    return re.sub(r"<([^>]+)>", value, rule)


def _signed_in_with_checkout(stack, customer):
    """A logged-in browser that has chosen an invoice to pay, so the payment forms would act if allowed to."""
    browser = customer.portal()
    number = customer.invoices[1]
    chosen = browser.request(
        "POST",
        "/pay",
        {"csrf_token": browser.csrf_token("/pay"), "invoice": number, f"amount-{number}": "1.00", "action": "continue"},
    )
    assert chosen.status == 302, (chosen.status, chosen.text[:400])
    return browser


def _everything_a_form_could_want(customer):
    number = customer.invoices[1]
    return {
        "username": customer.account,
        "password": customer.passcode,
        "invoice": number,
        f"amount-{number}": "1.00",
        "action": "continue",
        "payment_method": card_token(customer.stack.url("sandbox_processor")),
        "receipt_email": "csrf@example.com",
        "email": "csrf@example.com",
        "make_default": "y",
        "save_card": "y",
    }


def _state(stack, customer):
    client = ApiClient(stack.url("payment_service"), customer.bearer())
    return (client.get("/payments").json_body["total"], client.get("/payment-profiles").json_body["items"])


def test_the_login_form_refuses_a_post_without_its_token(stack, customer):
    browser = PortalBrowser(stack.url())
    browser.get("/login")
    response = browser.request("POST", "/login", {"username": customer.account, "password": customer.passcode})
    assert response.status == 400, response.status
    assert not browser.signed_in()


@pytest.mark.parametrize("token", ["missing", "another_sessions", "garbage"])
def test_every_portal_form_refuses_a_post_without_its_own_token(stack, portal_routes, customer, token):
    browser = _signed_in_with_checkout(stack, customer)
    other = PortalBrowser(stack.url())
    fields = _everything_a_form_could_want(customer)
    if token == "another_sessions":
        fields["csrf_token"] = other.csrf_token("/login")
    elif token == "garbage":
        fields["csrf_token"] = "IjAwMDAi.aaaa.bbbb"
    before = _state(stack, customer)
    for rule in portal_routes[1]:
        if rule == "/login":
            continue  # logged in already; its own test above
        response = browser.request("POST", _url(rule, customer), fields)
        assert response.status == 400, (rule, token, response.status, response.text[:300])
        assert "Please try again" in response.text, rule
    assert browser.signed_in(), "a logout went through without its token"
    assert _state(stack, customer) == before, "a payment or a saved card changed without a CSRF token"
    logout = browser.request("POST", "/logout", {"csrf_token": browser.csrf_token("/billing")})
    assert logout.status == 302 and not browser.signed_in()  # the same post with the token does work


def test_session_writes_to_the_api_need_the_csrf_header(stack, customer):
    browser = customer.portal()
    number = customer.invoices[1]
    email = f"/api/invoices/{number}/email"
    card = card_token(stack.url("sandbox_processor"))
    before = _state(stack, customer)
    attempts = [
        ("POST", email, {"email": "x@example.com"}),
        ("POST", "/api/payments", {"allocations": [{"invoice": number, "amount": "1.00"}], "payment_method": card}),
        ("POST", "/api/payment-profiles", {"payment_method": card_token(stack.url("sandbox_processor"))}),
        ("DELETE", f"/api/payment-profiles/{customer.profile_id}", None),
        ("POST", "/api/auth/logout", {}),
    ]
    answers = []
    for method, path, body in attempts:
        for header in ({}, {"X-CSRFToken": "forged"}):
            response = browser.request(
                method, path, json_body=body or {}, headers={"Idempotency-Key": uuid.uuid4().hex, **header}
            )
            answers.append((method, path, header, response.status, response.text.strip()))
    assert _state(stack, customer) == before, "a session-cookie write went through without X-CSRFToken"
    assert browser.signed_in(), "a session-cookie logout went through without X-CSRFToken"
    refused_properly = [answer for answer in answers if answer[3] == 403 and '"csrf_required"' in answer[4]]
    assert refused_properly == answers, "\n".join(map(str, answers))
    assert browser.get("/api/account").status == 200  # reads need no token
    token = browser.csrf_token("/billing")
    sent = browser.request("POST", email, json_body={"email": "x@example.com"}, headers={"X-CSRFToken": token})
    assert sent.status == 202, sent.text  # the probe tells a refused write from a broken one


def _csp_directives(value):
    return {part.split()[0]: part.split()[1:] for part in value.split(";") if part.strip()}


def _check_headers(path, response):
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", path
    assert headers.get("Referrer-Policy") in ALLOWED_REFERRER_POLICIES, (path, headers.get("Referrer-Policy"))
    assert "Strict-Transport-Security" not in headers, f"{path}: HSTS over plain http"
    if not response.headers.get("Content-Type", "").startswith("text/html"):
        return
    csp = headers.get("Content-Security-Policy")
    assert csp, f"{path}: no Content-Security-Policy"
    directives = _csp_directives(csp)
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts is not None, f"{path}: CSP has neither script-src nor default-src: {csp}"
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts and "*" not in scripts, (path, csp)
    framing = directives.get("frame-ancestors")
    assert framing in (["'none'"], ["'self'"]) or headers.get("X-Frame-Options") in ("DENY", "SAMEORIGIN"), path
    # what the CSP forbids must not be needed: no inline script blocks, no inline event handlers
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", response.text), f"{path}: inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", response.text), f"{path}: inline event handler"


def test_every_portal_page_carries_the_security_headers(stack, portal_routes, customer):
    anonymous = PortalBrowser(stack.url())
    for path in ("/login", "/", "/billing", "/no-such-page"):
        _check_headers(path, anonymous.get(path))
    browser = _signed_in_with_checkout(stack, customer)
    seen_html = 0
    for rule in portal_routes[0]:
        path = _url(rule, customer)
        response = browser.get(path)
        assert response.status < 500, (path, response.status)
        _check_headers(path, response)
        seen_html += response.headers.get("Content-Type", "").startswith("text/html")
    assert seen_html >= len(portal_routes[0]) // 2, "most portal pages should have rendered as HTML"


def test_the_session_cookie_is_httponly_and_samesite_lax(stack, customer):
    browser = customer.portal()
    browser.get("/billing")
    assert browser.set_cookie_headers, "the portal set no cookie at login"
    for header in browser.set_cookie_headers:
        attributes = {part.strip().split("=")[0].lower(): part.strip() for part in header.split(";")[1:]}
        assert "httponly" in attributes, header
        assert attributes.get("samesite", "").lower() == "samesite=lax", header
    assert customer.passcode not in " ".join(browser.set_cookie_headers)
    assert "eyJ" not in " ".join(browser.set_cookie_headers), "a token is in a cookie"


def test_https_is_not_claimed_on_an_untrusted_forwarded_header(stack):
    """The shared stack trusts no proxy: a client sending X-Forwarded-Proto must not flip the request to https."""
    response = PortalBrowser(stack.url()).get("/login", headers={"X-Forwarded-Proto": "https"})
    assert response.status == 200
    assert "Strict-Transport-Security" not in response.headers, (
        "a client on 127.0.0.1 made the gateway believe it was https without TRUSTED_PROXY_COUNT: gunicorn's own "
        "forwarded_allow_ips (deploy/gunicorn.conf.py, default 127.0.0.1) trusts X-Forwarded-Proto from loopback"
    )
