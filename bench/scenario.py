"""The data the HTTP benchmark needs, made through the real APIs, and the receipt-latency measurement."""

import json
import statistics
import time
import uuid
from dataclasses import dataclass

from devtools.api_client import ApiClient
from devtools.portal_browser import PortalBrowser
from devtools.stack import DEMO_ACCOUNT
from devtools.testing import unique_account

CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"}
SANDBOX_PUBLISHABLE_KEY = "pk_sandbox_local"


@dataclass
class BenchData:
    token: str
    cookie: str
    pay_token: str
    big_invoice: str
    profile_id: str  # a saved card: wrk repeats one body, and a one-time token pays only once


def _portal_cookie(stack):
    """The session cookie of the demo account signed in through the portal's Login form."""
    browser = PortalBrowser(stack.url())
    browser.login(DEMO_ACCOUNT, stack.env["DEMO_PASSCODE"])
    return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


def prepare(stack):
    gateway = ApiClient(stack.url())
    token = gateway.post(
        "/api/auth/login", {"username": DEMO_ACCOUNT, "password": stack.env["DEMO_PASSCODE"]}
    ).json_body["access_token"]
    ops = stack.staff_headers()
    account, invoice = unique_account(), f"B{uuid.uuid4().hex[:8]}"
    ApiClient(stack.url("auth_service"), ops).post(
        "/ops/access",
        {"account": account, "email": "bench@example.com", "name": "Bench Payer", "passcode": "bench-pass"},
    )
    invoices = ApiClient(stack.url("invoice_service"), ops)
    invoices.post("/ops/accounts", {"system_number": account, "name": "Payer, Bench", "email": "bench@example.com"})
    invoices.post(
        "/ops/invoices",
        {"number": invoice, "account": account, "date": "2026-01-01", "due_date": "2026-02-01", "amount": "900000.00"},
    )
    pay_token = gateway.post("/api/auth/login", {"username": account, "password": "bench-pass"}).json_body[
        "access_token"
    ]
    payer = ApiClient(stack.url(), {"Authorization": f"Bearer {pay_token}"})
    profile = payer.post("/api/payment-profiles", {"payment_method": sandbox_token(stack)}).json_body["id"]
    return BenchData(
        token=token, cookie=_portal_cookie(stack), pay_token=pay_token, big_invoice=invoice, profile_id=profile
    )


def sandbox_token(stack):
    """A one-time token for the test Visa from the sandbox processor, as its card fields get one."""
    sandbox = ApiClient(stack.url("sandbox_processor"), {"Authorization": f"Bearer {SANDBOX_PUBLISHABLE_KEY}"})
    return sandbox.post("/v1/payment_methods", {"type": "card", "card": CARD}).json_body["id"]


def payment_body(data):
    return json.dumps({"allocations": [{"invoice": data.big_invoice, "amount": "1.00"}], "profile_id": data.profile_id})


def receipt_latency(stack, data, count=30, timeout=20):
    """Time from sending a payment request to its receipt accepted by the SMTP sink (.eml written): an upper
    bound of commit -> SMTP, since it also counts the payment's own processing before the commit."""
    if not stack.mail_sink:
        return None
    gateway = ApiClient(stack.url(), {"Authorization": f"Bearer {data.pay_token}"})
    latencies = []
    for _ in range(count):
        body = {
            "allocations": [{"invoice": data.big_invoice, "amount": "1.00"}],
            "payment_method": sandbox_token(stack),
            "receipt_email": "bench@example.com",
        }
        sent = time.time()
        response = gateway.post("/api/payments", body, headers={"Idempotency-Key": uuid.uuid4().hex})
        payment_id = response.json_body["id"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [p for p in stack.mail_dir.glob("*.eml") if payment_id.encode() in p.read_bytes()]
            if found:
                latencies.append((found[0].stat().st_mtime - sent) * 1000)
                break
            time.sleep(0.01)
    if not latencies:
        return None
    latencies.sort()
    return {
        "count": len(latencies),
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[max(0, int(len(latencies) * 0.95) - 1)],
    }
