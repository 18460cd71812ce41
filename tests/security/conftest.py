"""Fixtures of the security probes: two subscribers of our own (attacker and victim), the victim with a payment
and a saved card, and a portal session for each."""
import uuid

import pytest

from devtools.api_client import ApiClient
from tests.security.attack_accounts import VISA, create_subscriber
from tests.security.portal_browser import PortalBrowser


def needs(stack, *services):
    missing = [name for name in services if not stack.has(name)]
    if missing:
        pytest.skip(f"{', '.join(missing)} not part of this stack (E2E_SERVICES)")


@pytest.fixture(scope="session")
def attacker(stack):
    needs(stack, "invoice_service", "payment_service")
    return create_subscriber(stack, name="Mallory Attacker")


@pytest.fixture(scope="session")
def victim(stack):
    """A subscriber with a paid part of one invoice and a saved card: things an attacker would go after."""
    needs(stack, "invoice_service", "payment_service")
    subscriber = create_subscriber(stack, amounts=("60.00", "35.00", "20.00"), name="Victor Victim")
    payments = ApiClient(stack.url("payment_service"), subscriber.bearer())
    paid = payments.post("/payments", {"allocations": [{"invoice": subscriber.invoices[0], "amount": "10.00"}],
                                       "card": VISA}, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert paid.status == 201, paid.data
    profile = payments.post("/payment-profiles", {"card": VISA})
    assert profile.status == 201, profile.data
    subscriber.payment_id, subscriber.profile_id = paid.json_body["id"], profile.json_body["id"]
    return subscriber


@pytest.fixture
def browser(stack):
    return PortalBrowser(stack.url())
