"""Schemathesis against every service's own /openapi.json and the gateway's public document, on the shared stack,
with the credentials each operation needs: a subscriber Bearer token of an account of our own, the stack's staff
token for /ops/ and X-Service-Key. Deterministic (derandomized) and bounded, so CI sees the same requests on
every run."""

import pytest

from tests.support.accounts import DEMO_ACCOUNT, DEMO_INVOICES, create_subscriber, pay_and_save_card

pytest.importorskip("schemathesis", reason="schemathesis is not installed: make setup")
from schema_fuzzing import fuzz_document  # noqa: E402  (needs schemathesis)

TOKEN_SPENDING = ("/auth/refresh", "/auth/logout")  # both revoke the token they are called with

SKIPPED = {
    "notification_service": {
        "POST /ops/deliveries/retry-dead": "re-queues every account's dead letters on the shared stack, which the "
        "fault tests count on staying dead; its code path is the same as resend's",
    },
    "gateway": {
        "POST /api/auth/login": "the gateway's login limit is per address and every test on the shared stack logs in "
        "from 127.0.0.1; the operation itself is fuzzed on auth_service (/auth/login)",
        "POST /api/auth/login/code": "throttled by the same login limit per address; fuzzed on auth_service "
        "(/auth/login/code)",
    },
}


@pytest.fixture(scope="module")
def fuzz_subscriber(stack):
    """An account of our own with invoices, a payment and a saved card, so list and detail answers carry rows
    (a response schema is only checked on what a response holds)."""
    subscriber = create_subscriber(stack)
    return pay_and_save_card(subscriber, "5.00") if stack.has("payment_service") else subscriber


@pytest.fixture(scope="module")
def credentials(stack, fuzz_subscriber):
    everyday = fuzz_subscriber.token()
    keys = {"X-Service-Key": stack.env["PAYMENT_SERVICE_KEY"]}

    def for_operation(operation):
        if operation.path.startswith("/ops/"):
            return {**keys, **stack.staff_headers()}
        spends = operation.path.endswith(TOKEN_SPENDING)
        return {**keys, "Authorization": f"Bearer {fuzz_subscriber.token() if spends else everyday}"}

    return for_operation


@pytest.mark.parametrize(
    "service", ["auth_service", "invoice_service", "payment_service", "notification_service", "gateway"]
)
def test_every_operation_answers_without_5xx_and_as_documented(stack, credentials, fuzz_subscriber, service):
    if not stack.has(service):
        pytest.skip(f"{service} is not part of this stack (E2E_SERVICES)")
    # Never act on the demo account (a browser walkthrough pays its invoices) nor revoke our own login.
    protected = (DEMO_ACCOUNT, *DEMO_INVOICES, fuzz_subscriber.account)
    report = fuzz_document(
        stack.url(service) + "/openapi.json", stack.url(service), credentials, SKIPPED.get(service), protected
    )
    assert report["operations"] > 0 and report["requests"] >= report["operations"], report
    assert not report["failures"], (
        f"{service}: {len(report['failures'])} failing operation(s) in {report['requests']} requests:\n\n"
        + "\n\n".join(report["failures"])
    )
