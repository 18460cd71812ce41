"""Customers and SetupIntents, in Stripe's shapes, for saving a US bank account the way Stripe.js does it:
the server creates a SetupIntent for the payer's Customer (secret key) and gives the browser its client_secret;
the sandbox's collectBankAccountForSetup tokenizes the account in the sandbox's own frame and attaches it
(publishable key + client_secret: requires_confirmation); confirmUsBankAccountSetup confirms it (succeeded, the
bank account attached, the mandate recorded with the confirming request's address and browser)."""

import hmac
import secrets

from billpay_common.errors import Conflict, DomainError, NotFound, Unauthorized, Unprocessable

from . import ach
from .ledger import Customer, MicrodepositVerification, SetupIntent, db
from .outcomes import ACH_MICRODEPOSITS, MICRODEPOSIT_AMOUNTS

CUSTOMER_PREFIX, SETUP_PREFIX, MANDATE_PREFIX = "cus_sbx_", "seti_sbx_", "mandate_sbx_"
ATTACHABLE = ("requires_payment_method", "requires_confirmation")
AWAITING_MICRODEPOSITS = "requires_action"


def create_customer(metadata):
    customer = Customer(id=CUSTOMER_PREFIX + secrets.token_hex(12), metadata_=dict(metadata or {}))
    db.session.add(customer)
    db.session.commit()
    return customer


def customer(customer_id):
    found = db.session.get(Customer, customer_id)
    if found is None:
        raise NotFound(f"No such customer: {customer_id}", code="resource_missing")
    return found


def create(customer_id, usage, metadata, payment_method_options):
    if customer_id is not None:
        customer(customer_id)
    setup_id = SETUP_PREFIX + secrets.token_hex(12)
    setup = SetupIntent(
        id=setup_id,
        client_secret=f"{setup_id}_secret_{secrets.token_urlsafe(18)}",
        customer=customer_id,
        usage=usage,
        metadata_=dict(metadata or {}),
        payment_method_options=dict(payment_method_options or {}),
    )
    db.session.add(setup)
    db.session.commit()
    return setup


def found(setup_id):
    setup = db.session.get(SetupIntent, setup_id)
    if setup is None:
        raise NotFound(f"No such setupintent: {setup_id}", code="resource_missing")
    return setup


def for_client(setup_id, client_secret):
    """The SetupIntent the browser names with the publishable key: its client_secret must match."""
    setup = db.session.get(SetupIntent, setup_id)
    if setup is None or not hmac.compare_digest((client_secret or "").encode(), setup.client_secret.encode()):
        raise Unauthorized(
            "Send the SetupIntent's client_secret with the publishable key.", code="invalid_client_secret"
        )
    return setup


def attach_payment_method(setup, method_id):
    if setup.status not in ATTACHABLE:
        raise Unprocessable(
            f"This SetupIntent is {setup.status}: it takes no payment method now.", code="setup_intent_unexpected_state"
        )
    method = ach.require(method_id)
    if method.attached:
        raise Conflict("This bank-account token is already attached.", code="payment_method_used")
    setup.payment_method = method.id
    setup.status = "requires_confirmation"
    db.session.commit()
    return setup


def confirm(setup, client_address, user_agent):
    if setup.status == "succeeded":
        return setup
    if setup.status != "requires_confirmation" or setup.payment_method is None:
        raise Unprocessable(
            "Collect the bank account first (collectBankAccountForSetup): this SetupIntent has no payment method.",
            code="setup_intent_unexpected_state",
        )
    setup.mandate_ip, setup.mandate_user_agent = client_address, (user_agent or "")[:300]
    if ach.require(setup.payment_method).outcome == ACH_MICRODEPOSITS:
        setup.status = AWAITING_MICRODEPOSITS  # next_action verify_with_microdeposits
        db.session.commit()
        return setup
    _succeed(setup)
    db.session.commit()
    return setup


def _succeed(setup):
    ach.require(setup.payment_method).attached = True
    setup.status = "succeeded"
    setup.mandate = MANDATE_PREFIX + secrets.token_hex(12)


def verify_microdeposits(setup, amounts):
    """The two amounts (cents) the subscriber read on their statement: right, the SetupIntent succeeds with its
    mandate and a setup_intent.succeeded event; wrong, a 400 and nothing changes."""
    if setup.status != AWAITING_MICRODEPOSITS:
        raise Unprocessable(
            f"This SetupIntent is {setup.status}: it awaits no microdeposits.", code="setup_intent_unexpected_state"
        )
    if sorted(amounts or []) != sorted(MICRODEPOSIT_AMOUNTS):
        raise DomainError(
            "The amounts provided do not match the amounts that were sent to the bank account.",
            code="payment_method_microdeposit_verification_amounts_mismatch",
        )
    _succeed(setup)
    db.session.add(MicrodepositVerification(setup_intent=setup.id, verified_on=ach.today()))
    db.session.commit()
    return setup


def keep_metadata(setup, metadata):
    """Stripe merges an update's metadata key by key."""
    setup.metadata_ = {**(setup.metadata_ or {}), **metadata}
    db.session.commit()
    return setup


def next_action(setup, verify_page_url):
    if setup.status != AWAITING_MICRODEPOSITS:
        return None
    return {
        "type": "verify_with_microdeposits",
        "verify_with_microdeposits": {"hosted_verification_url": verify_page_url, "microdeposit_type": "amounts"},
    }


def cancel(setup):
    if setup.status == "succeeded":
        raise Unprocessable("A succeeded SetupIntent cannot be canceled.", code="setup_intent_unexpected_state")
    setup.status = "canceled"
    db.session.commit()
    return setup
