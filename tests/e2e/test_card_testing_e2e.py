"""Card testing through the gateway, the only public entry: declines are limited per account and per the client's
real address, which the gateway forwards to payment_service whatever X-Forwarded-For the client sends; the portal
shows the 429's words; the office lifts the block; the portal refuses a total under the minimum payment.

The client connects from 127.0.0.2, so its address differs from the one the gateway's own calls come from."""

import re
import uuid

import urllib3
from test_portal_billing_e2e import text
from test_portal_payment_e2e import processor_of

from devtools.portal_browser import PortalBrowser
from tests.support.accounts import GUIDE_INVOICES, create_subscriber
from tests.support.cards import CARD_CODE, VISA
from tests.support.sandbox import payment_method

CLIENT_ADDRESS = "127.0.0.2"
DECLINED = "Your card was declined. Use another card or call your bank."
# Sandbox numbers that decline, each another card (4000000000000002 is left to the other tests: 3 a day per card).
DECLINING = (
    "5100000000000008",
    "370000000000002",
    "6011000000000004",
    "36000000000008",
    "3528000000000007",
    "4000000000009995",
    "5100000000009991",
    "370000000009995",
    "6011000000009997",
    "36000000009991",
)


def from_client_address(client):
    client.http = urllib3.PoolManager(retries=False, timeout=30, source_address=(CLIENT_ADDRESS, 0))
    return client


def attempt(api, subscriber, number, spoofed_address):
    payload = {
        "allocations": [{"invoice": subscriber.invoices[0], "amount": "108.00"}],
        "payment_method": payment_method(subscriber.stack.url("sandbox_processor"), number),
    }
    headers = {"Idempotency-Key": uuid.uuid4().hex, "X-Forwarded-For": spoofed_address}
    return api.post("/api/payments", payload, headers=headers)


def declines(subscriber, numbers):
    api = from_client_address(subscriber.api())
    for position, number in enumerate(numbers):
        response = attempt(api, subscriber, number, f"203.0.113.{position + 1}")
        assert response.status == 402, response.json_body
        assert response.json_body["error"] == {"code": "card_declined", "message": DECLINED}
    return api


def portal_card_payment(subscriber, number):
    browser = from_client_address(PortalBrowser(subscriber.stack.url()))
    assert browser.login(subscriber.account, subscriber.passcode).status == 302
    page = browser.get("/pay")
    fields = [("csrf_token", PortalBrowser.csrf_of(page)), ("action", "continue")]
    fields += [("invoice", found) for found in re.findall(r'name="invoice" value="([^"]+)" checked', page.text)]
    fields += re.findall(r'name="(amount-[^"]+)" value="([^"]*)"', page.text)
    assert browser.request("POST", "/pay", fields).status == 302
    card_page = browser.get("/pay/card")
    form = {
        "csrf_token": PortalBrowser.csrf_of(card_page),
        "payment_method": payment_method(processor_of(card_page), number, CARD_CODE),
        "receipt_email": "pat@example.com",
    }
    return browser.request("POST", "/pay/card", form)


def test_declines_are_limited_per_account_and_per_real_client_address_and_the_office_lifts_them(stack, ops_client):
    office = ops_client("payment_service")
    first, second, third = (create_subscriber(stack, GUIDE_INVOICES) for _ in range(3))
    try:
        api = declines(first, DECLINING[:5])
        blocked = attempt(api, first, VISA, "198.51.100.1")
        assert blocked.status == 429, blocked.json_body
        assert blocked.json_body["error"]["code"] == "too_many_declines"
        assert "this account" in blocked.json_body["error"]["message"]
        assert 3500 < int(blocked.headers["Retry-After"]) <= 3600
        listed = office.get(f"/ops/payments?account={first.account}").json_body["items"]
        assert sorted(item["status"] for item in listed) == ["declined"] * 5  # the sixth reached no processor

        declines(second, DECLINING[5:10])  # ten declines from 127.0.0.2, each "from" another spoofed address
        page = portal_card_payment(third, VISA)
        assert page.status == 429
        assert "Too many declined payments from your network address" in text(page)
        assert VISA not in page.text

        entries = office.get(f"/ops/card-testing-blocks?subject={CLIENT_ADDRESS}").json_body
        assert [(entry["action"], entry["kind"], entry["account"]) for entry in entries] == [
            ("blocked", "address", third.account)
        ]
    finally:
        lifted = office.delete(f"/ops/card-testing-blocks/address/{CLIENT_ADDRESS}")
        office.delete(f"/ops/card-testing-blocks/account/{first.account}")
        office.delete(f"/ops/card-testing-blocks/account/{second.account}")
    assert lifted.status == 200 and lifted.json_body["lifted"] is True
    paid = attempt(from_client_address(third.api()), third, VISA, "198.51.100.1")
    assert paid.status == 201, paid.json_body


def test_the_portal_refuses_a_total_under_the_minimum_payment(stack):
    subscriber = create_subscriber(stack, GUIDE_INVOICES)
    browser = subscriber.portal()
    page = browser.get("/pay")
    account = subscriber.account
    fields = [("csrf_token", PortalBrowser.csrf_of(page)), ("action", "continue"), ("invoice", f"{account}A")]
    fields += [(f"amount-{account}A", "0.50"), (f"amount-{account}B", "107.95")]
    refused = browser.request("POST", "/pay", fields)
    assert refused.status == 400
    assert "The smallest payment we take is $1.00." in text(refused)
