"""Stripe delivers its events to the gateway, the one public entry; the gateway passes body and signature on to the
real payment_service untouched, with no session cookie or CSRF token, and payment_service checks the signature."""

import pytest

from payment_service import create_app as create_payment_app
from payment_service.config import Config as PaymentConfig
from tests.support.service_apps import service_app
from tests.support.serving import served
from tests.support.stripe_events import WEBHOOK_SECRET, signed

EVENT = {
    "id": "evt_gateway_route",
    "object": "event",
    "type": "customer.created",
    "api_version": "2024-06-20",
    "data": {"object": {"id": "cus_route", "object": "customer"}},
}


@pytest.fixture(scope="module")
def gateway_to_payments(make_gateway, redis_url, tmp_path_factory):
    directory = tmp_path_factory.mktemp("payments")
    with (
        service_app(
            create_payment_app,
            PaymentConfig,
            "payment_service",
            redis_url,
            directory,
            STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        ) as payments,
        served(payments) as url,
    ):
        yield make_gateway(PAYMENT_SERVICE_URL=url).test_client()


def test_a_signed_event_reaches_payment_service_without_a_session(gateway_to_payments):
    body, signature = signed(EVENT)
    response = gateway_to_payments.post(
        "/webhooks/stripe", data=body, content_type="application/json", headers={"Stripe-Signature": signature}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json == {"received": EVENT["id"], "outcome": "ignored"}
    assert "Set-Cookie" not in response.headers


def test_a_forged_signature_is_refused_by_payment_service(gateway_to_payments):
    body, _ = signed(EVENT, secret="whsec_someone_else")
    _, good = signed(EVENT)
    response = gateway_to_payments.post(
        "/webhooks/stripe",
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": good.replace(good[-8:], "00000000")},
    )
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_signature"
