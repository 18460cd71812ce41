"""Connecting a bank account the way Stripe.js does (ACH Direct Debit, "save bank details"): payment_service starts
a SetupIntent for the account's Customer and gives the browser its client_secret; the processor's script collects
the account in its own dialog (collectBankAccountForSetup) and confirms it under the subscriber's acceptance of the
debit authorization (confirmUsBankAccountSetup); the portal then sends only the SetupIntent's id, which is read
back from the processor and saved when it is this account's, succeeded and a bank account's."""

from billpay_common.errors import Conflict, Unavailable, Unprocessable

from . import ach_authorizations, ach_terms
from .extensions import db
from .models import PaymentProfile
from .processor import ProcessorError, ProcessorTimeout, current_processor
from .processor.base import BankAccountSetup
from .profiles import MAX_PROFILES, list_profiles, processor_customer, stage_profile

BANK_ACCOUNT = "us_bank_account"
CONNECT_AGAIN = "Please connect the bank account again."
UNAVAILABLE = "We cannot connect bank accounts right now. Please try again shortly."
AWAITING_VERIFICATION = "awaiting_verification"
ACCEPTED_VERSION, ACCEPTED_FROM, MAKE_DEFAULT = "billpay_ach_authorization", "billpay_client_address", "billpay_default"


def _refuse(message, code):
    return Unprocessable(message, code=code, fields={"setup_intent": message})


def _room_for_one_more(account):
    if len(list_profiles(account)) >= MAX_PROFILES:
        raise Unprocessable(f"You can save up to {MAX_PROFILES} cards. Delete one first.", code="too_many_profiles")


def start(account: str) -> dict:
    """A SetupIntent for the account's Customer (the processor makes one when the account has none): its id and
    client_secret, and the debit authorization the subscriber accepts before confirming it."""
    _room_for_one_more(account)
    try:
        started = current_processor().start_bank_account_setup(account, processor_customer(account))
    except (ProcessorTimeout, ProcessorError):
        raise Unavailable(UNAVAILABLE, code="try_again_shortly") from None
    return {
        "id": started.id,
        "client_secret": started.client_secret,
        "debit_authorization": ach_authorizations.text_for_new_bank_account(),
    }


def _not_yours(setup: BankAccountSetup, account: str, known_customer: str | None) -> Unprocessable | None:
    theirs = setup.customer is None or setup.customer_account != account
    if theirs or (known_customer is not None and setup.customer != known_customer):
        return _refuse(
            "That bank account was not connected for this account. " + CONNECT_AGAIN, "setup_intent_not_yours"
        )
    return None


def awaits_microdeposits(setup: BankAccountSetup) -> bool:
    return setup.status == "requires_action" and setup.next_action == "verify_with_microdeposits"


def refusal(setup: BankAccountSetup, account: str, known_customer: str | None) -> Unprocessable | None:
    """Why a SetupIntent cannot become this account's saved bank account, or None. Pure."""
    refused = _not_yours(setup, account, known_customer)
    if refused is not None:
        return refused
    if awaits_microdeposits(setup):
        return _refuse(
            "This bank account is awaiting verification by microdeposits and cannot be used yet. Verify the small "
            "deposits from the payment processor's e-mail, or connect another bank account.",
            "bank_account_unverified",
        )
    if setup.payment_method_type is not None and setup.payment_method_type != BANK_ACCOUNT:
        return _refuse("That setup is not a bank account's. " + CONNECT_AGAIN, "not_a_bank_account")
    if setup.status != "succeeded":
        return _refuse(
            f"The bank account was not connected (its setup is {setup.status}). " + CONNECT_AGAIN,
            "setup_intent_not_succeeded",
        )
    if setup.payment_method_type != BANK_ACCOUNT:
        return _refuse("That setup is not a bank account's. " + CONNECT_AGAIN, "not_a_bank_account")
    if not setup.mandate:
        return _refuse("There is no debit authorization for this bank account. " + CONNECT_AGAIN, "mandate_required")
    return None


def save(account, setup_intent_id, ach_authorization, make_default=False, client_address=None) -> PaymentProfile | dict:
    """Save the bank account of a SetupIntent the browser confirmed, with the NACHA debit authorization the
    subscriber accepted for it (its text version, time, address), in one transaction."""
    version = ach_authorizations.checked_version(ach_authorization)
    _room_for_one_more(account)
    processor = current_processor()
    try:
        setup = processor.bank_account_setup(setup_intent_id)
    except ProcessorTimeout:
        raise Unavailable(UNAVAILABLE, code="try_again_shortly") from None
    except ProcessorError:
        raise _refuse("That bank account setup was not found. " + CONNECT_AGAIN, "setup_intent_not_found") from None
    if awaits_microdeposits(setup) and _not_yours(setup, account, processor_customer(account)) is None:
        return _await_verification(processor, setup, version, make_default, client_address)
    refused = refusal(setup, account, processor_customer(account))
    if refused is not None:
        raise refused
    return _keep(processor, setup, account, version, make_default, client_address)


def _await_verification(processor, setup, version, make_default, client_address) -> dict:
    """Stripe sends the account two small deposits (or a code) and asks the subscriber to verify them on its
    page; what they accepted goes in the SetupIntent's metadata, and setup_intent.succeeded saves it (verified)."""
    accepted = {
        ACCEPTED_VERSION: version,
        ACCEPTED_FROM: client_address or "",
        MAKE_DEFAULT: "yes" if make_default else "",
    }
    try:
        processor.await_verification(setup.id, accepted)
    except ProcessorTimeout:
        raise Unavailable(UNAVAILABLE, code="try_again_shortly") from None
    except ProcessorError:
        raise _refuse("We could not connect that bank account. " + CONNECT_AGAIN, "not_saved") from None
    return {"status": AWAITING_VERIFICATION, "setup_intent": setup.id, "verify_url": setup.verify_url}


def save_verified(setup_intent_id: str) -> str:
    """setup_intent.succeeded for a bank account that awaited microdeposits: save it under what the subscriber
    accepted when connecting it ("saved"), or say why not ("ignored": not one of ours, "refused", "already")."""
    processor = current_processor()
    try:
        setup = processor.bank_account_setup(setup_intent_id)
    except ProcessorTimeout:
        raise Unavailable(UNAVAILABLE, code="try_again_shortly") from None
    except ProcessorError:
        return "ignored"
    version, account = setup.metadata.get(ACCEPTED_VERSION), setup.customer_account
    if not version or not account:
        return "ignored"  # saved through the portal at once, or not made by Bill Pay
    if refusal(setup, account, processor_customer(account)) is not None:
        return "refused"
    try:
        make_default, client_address = setup.metadata.get(MAKE_DEFAULT) == "yes", setup.metadata.get(ACCEPTED_FROM)
        _keep(processor, setup, account, version, make_default, client_address or None)
    except Conflict:
        db.session.rollback()
        return "already"
    return "saved"


def _keep(processor, setup, account, version, make_default, client_address) -> PaymentProfile:
    try:
        saved = processor.keep_bank_account(setup)
    except ProcessorTimeout:
        raise Unavailable(UNAVAILABLE, code="try_again_shortly") from None
    except ProcessorError:
        raise _refuse("We could not save that bank account. " + CONNECT_AGAIN, "not_saved") from None
    if db.session.query(PaymentProfile).filter_by(account=account, token=saved.token).first() is not None:
        raise Conflict("This bank account is already saved.", code="already_saved")
    profile = stage_profile(account, saved, saved.token, make_default)
    db.session.flush()
    ach_authorizations.stage(
        account,
        ach_terms.SAVED,
        version,
        ach_authorizations.bank_account_words(saved.brand, saved.last4),
        profile_id=profile.id,
        client_address=client_address,
    )
    db.session.commit()
    return profile
