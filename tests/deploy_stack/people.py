"""Subscribers made through the ops APIs (called inside the service containers, which are not published), their
JSON clients through the gateway's published port, and their cards tokenized at the sandbox processor's published
port, as the portal's card fields do in a browser: payment_service takes only the token."""

import json
import random
import secrets
import time
import uuid
from decimal import Decimal

import pyotp

from devtools.api_client import ApiClient
from tests.support.cards import VISA, token
from tests.support.sandbox import SECRET_KEY

_OPS_CALLS = """
import json, os, sys, urllib.request
calls, token = json.loads({calls!r}), {token!r}
results = []
for path, body in calls:
    request = urllib.request.Request("http://127.0.0.1:" + os.environ["PORT"] + path, data=json.dumps(body).encode(),
                                     headers={{"Authorization": "Bearer " + token,
                                              "Content-Type": "application/json"}}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        results.append(response.status)
print(json.dumps(results))
"""

_STAFF_SIGN_IN = """
import json, os, urllib.request
request = urllib.request.Request("http://127.0.0.1:" + os.environ["PORT"] + "/staff/sign-in", data={body!r}.encode(),
                                 headers={{"Content-Type": "application/json"}}, method="POST")
with urllib.request.urlopen(request, timeout=30) as response:
    print(json.dumps(json.loads(response.read())["access_token"]))
"""


def staff_token(compose):
    """The demo staff member's token, signed in inside auth-service with password and TOTP; kept for ten minutes,
    as each TOTP code signs in once only."""
    token, signed_in_at = getattr(compose, "staff_token", None) or (None, 0.0)
    if time.monotonic() - signed_in_at < 600:
        return token
    password, secret = compose.demo_staff
    body = json.dumps({"username": "demo-admin", "password": password, "code": pyotp.TOTP(secret).now()})
    token = compose.python_in("auth-service", _STAFF_SIGN_IN.format(body=body))
    compose.staff_token = (token, time.monotonic())
    return token


def ops_post(compose, service, calls):
    script = _OPS_CALLS.format(calls=json.dumps(calls), token=staff_token(compose))
    statuses = compose.python_in(service, script)
    assert statuses == [201] * len(calls), statuses


def new_subscribers(compose, count, invoices_each, amount="100.00"):
    """COUNT accounts with INVOICES_EACH open invoices of AMOUNT, each signed in: [(account, numbers, client)]."""
    people = []
    for _ in range(count):
        account = str(random.randint(20000000, 89999999))
        people.append((account, secrets.token_urlsafe(12), [f"D{uuid.uuid4().hex[:9]}" for _ in range(invoices_each)]))
    ops_post(
        compose,
        "invoice-service",
        [
            call
            for account, _, numbers in people
            for call in [
                (
                    "/ops/accounts",
                    {"system_number": account, "name": "Stack, Tester", "email": f"t{account}@example.com"},
                )
            ]
            + [
                (
                    "/ops/invoices",
                    {
                        "number": number,
                        "account": account,
                        "date": "2026-11-01",
                        "due_date": "2026-12-01",
                        "amount": amount,
                    },
                )
                for number in numbers
            ]
        ],
    )
    ops_post(
        compose,
        "auth-service",
        [
            (
                "/ops/access",
                {"account": account, "email": f"t{account}@example.com", "name": "Stack Tester", "passcode": passcode},
            )
            for account, passcode, _ in people
        ],
    )
    clients = [signed_in(compose.gateway, account, passcode) for account, passcode, _ in people]
    for client, (account, passcode, _) in zip(clients, people, strict=True):
        client.account, client.passcode = account, passcode  # to sign in again (the portal, a new token)
    return [(account, numbers, client) for (account, _, numbers), client in zip(people, clients, strict=True)]


def signed_in(gateway, account, passcode):
    response = ApiClient(gateway).post("/api/auth/login", {"username": account, "password": passcode})
    assert response.status == 200, response.data
    return ApiClient(gateway, {"Authorization": f"Bearer {response.json_body['access_token']}"})


def card_token(compose):
    """A one-time token (`pm_sbx_...`) for the approving test card, from the stack's sandbox processor."""
    return token(compose.sandbox, VISA)


def pay(client, invoice, amount, payment_method, receipt_email="receipts@example.com", key=None):
    return client.post(
        "/api/payments",
        {
            "allocations": [{"invoice": invoice, "amount": amount}],
            "payment_method": payment_method,
            "receipt_email": receipt_email,
        },
        headers={"Idempotency-Key": key or uuid.uuid4().hex},
    )


def sandbox_charges(compose, references):
    """{reference: (status, amount)} of the sandbox processor's own ledger, asked over its API: what was charged."""
    ledger = ApiClient(compose.sandbox, {"Authorization": f"Bearer {SECRET_KEY}"})
    charges = {}
    for reference in references:
        answer = ledger.get(f"/v1/charges/{reference}")
        assert answer.status in (200, 404), (reference, answer.status, answer.data)
        if answer.status == 200:
            charges[reference] = (answer.json_body["status"], Decimal(answer.json_body["amount"]))
    return charges


def invoice_balances(client, since="2026-01-01"):
    body = client.get(f"/api/invoices?per_page=100&start={since}").json_body
    rows = body["items"] if isinstance(body, dict) else body
    return {row["number"]: row["balance"] for row in rows}
