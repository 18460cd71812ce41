"""Submit Payment when payment_service cannot be reached (nothing listens at the configured port): the page
says to try again shortly and keeps the checkout and its Idempotency-Key; the card form takes only the
processor's token, and card details posted to it anyway are neither kept nor shown."""

import json
import re
import time

import pytest

from gateway.extensions import redis_ext
from tests.support.cards import VISA

CARD, CODE, TOKEN = VISA, "987", "pm_sbx_0123456789abcdef01234567"
CHECKOUT = {"allocations": [{"invoice": "528132", "amount": "108.00"}], "key": "checkout-key-1"}


@pytest.fixture
def signed_in(client):
    with client.session_transaction() as session:
        session.update(
            account="99939999",
            name="Michael Jones",
            token="not-checked-here",
            token_exp=time.time() + 900,
            token_ttl=900,
            checkout=dict(CHECKOUT),
        )
    return client


def csrf_token(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def stored_session(app, client):
    with app.app_context():
        keys = redis_ext.client.keys(redis_ext.key("session", "*"))
        cookie = client.get_cookie("billpay_session").value
        return next(redis_ext.client.get(key).decode() for key in keys if key.decode().endswith(cookie))


def submit(client, token):
    return client.post(
        "/pay/card",
        data={"csrf_token": token, "payment_method": TOKEN, "receipt_email": "pat@example.com"},
    )


def test_unreachable_payment_service_says_try_again_shortly_and_keeps_the_key(app, signed_in):
    token = csrf_token(signed_in.get("/billing"))  # the 503 page still carries the Logout form's token
    page = submit(signed_in, token)
    body = page.get_data(as_text=True)
    assert page.status_code == 503
    assert "Your card was not charged. Please try again shortly." in body
    assert TOKEN not in body  # a one-time token is not offered back: the card is entered again
    stored = json.loads(stored_session(app, signed_in))
    assert stored["checkout"] == CHECKOUT  # same key: a retry can only return the first attempt's result


def leaf_values(value):
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in leaf_values(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in leaf_values(item)]
    return [str(value)]


def test_card_details_posted_without_a_token_are_refused_and_never_kept_or_shown(app, signed_in):
    token = csrf_token(signed_in.get("/billing"))
    page = signed_in.post(
        "/pay/card",
        data={"csrf_token": token, "card_number": CARD, "exp_month": "12", "exp_year": "2031", "card_code": CODE},
    )
    body = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Enter the card in the Card Number, Expiration Date and Card Code fields." in body
    assert CARD not in body and f'value="{CODE}"' not in body and f">{CODE}<" not in body
    stored = json.loads(stored_session(app, signed_in))
    assert CARD not in json.dumps(stored)
    assert CODE not in leaf_values(stored)  # a 3-digit code may occur by chance inside tokens and timestamps


def test_the_card_page_loads_the_processors_script_and_its_csp_allows_only_that_origin(app, signed_in):
    page = signed_in.post("/pay/card", data={"csrf_token": csrf_token(signed_in.get("/billing"))})
    body = page.get_data(as_text=True)
    assert page.status_code == 400  # the card page again, without reaching any service
    processor = app.config["CARD_PROCESSOR_ORIGINS"]
    assert f'<script src="{app.config["CARD_PROCESSOR_JS_URL"]}" defer></script>' in body
    assert f'data-publishable-key="{app.config["CARD_PROCESSOR_PUBLISHABLE_KEY"]}"' in body
    named = set(re.findall(r"<(?:input|select)[^>]*name=\"(\w+)\"", body))
    assert named == {"csrf_token", "payment_method", "receipt_email", "save_card"}  # no card field of the portal's
    policy = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == f"'self' {processor}"
    assert policy["frame-src"] == processor and policy["connect-src"] == f"'self' {processor}"


def test_submit_without_a_checkout_goes_back_to_make_a_payment(client):
    with client.session_transaction() as session:
        session.update(account="99939999", name="Michael Jones", token="t", token_exp=time.time() + 900, token_ttl=900)
    response = client.get("/pay/card")
    assert response.status_code == 302 and response.headers["Location"].endswith("/pay")
