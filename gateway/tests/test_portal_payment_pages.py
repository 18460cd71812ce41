"""Submit Payment when payment_service cannot be reached (nothing listens at the configured port): the page
says to try again shortly, keeps the checkout and its Idempotency-Key, and never keeps or shows the card."""

import json
import re
import time

import pytest

from gateway.extensions import redis_ext
from tests.support.cards import VISA

CARD, CODE = VISA, "987"
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
        data={
            "csrf_token": token,
            "card_number": CARD,
            "exp_month": "12",
            "exp_year": str(time.gmtime().tm_year + 1),
            "card_code": CODE,
            "receipt_email": "pat@example.com",
        },
    )


def test_unreachable_payment_service_says_try_again_shortly_and_keeps_the_key(app, signed_in):
    token = csrf_token(signed_in.get("/billing"))  # the 503 page still carries the Logout form's token
    page = submit(signed_in, token)
    body = page.get_data(as_text=True)
    assert page.status_code == 503
    assert "Your card was not charged. Please try again shortly." in body
    assert CARD not in body and f'value="{CODE}"' not in body and f">{CODE}<" not in body
    assert not re.search(r'name="card_(number|code)"[^>]*value=', body)
    stored = json.loads(stored_session(app, signed_in))
    assert stored["checkout"] == CHECKOUT  # same key: a retry can only return the first attempt's result
    assert CARD not in json.dumps(stored)
    assert CODE not in leaf_values(stored)  # a 3-digit code may occur by chance inside tokens and timestamps


def leaf_values(value):
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in leaf_values(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in leaf_values(item)]
    return [str(value)]


def test_a_card_form_missing_fields_is_refused_next_to_them(signed_in):
    token = csrf_token(signed_in.get("/billing"))
    page = signed_in.post(
        "/pay/card",
        data={
            "csrf_token": token,
            "card_number": "4242 abc",
            "exp_month": "12",
            "exp_year": "1999",
            "card_code": "12345",
        },
    )
    body = page.get_data(as_text=True)
    assert page.status_code == 400
    for field in ("card_number", "exp_year", "card_code"):
        assert f'id="{field}-error"' in body
    assert "4242 abc" not in body


def test_submit_without_a_checkout_goes_back_to_make_a_payment(client):
    with client.session_transaction() as session:
        session.update(account="99939999", name="Michael Jones", token="t", token_exp=time.time() + 900, token_ttl=900)
    response = client.get("/pay/card")
    assert response.status_code == 302 and response.headers["Location"].endswith("/pay")
