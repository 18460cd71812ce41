"""Fixtures of the security probes: two subscribers of our own (attacker and victim), the victim with a payment
and a saved card, and a portal session for each."""

import pytest

from devtools.portal_browser import PortalBrowser
from tests.support.accounts import create_subscriber, pay_and_save_card


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
    return pay_and_save_card(create_subscriber(stack, ("60.00", "35.00", "20.00"), name="Victor Victim"), "10.00")


@pytest.fixture
def browser(stack):
    return PortalBrowser(stack.url())
