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


def refusal(setup: BankAccountSetup, account: str, known_customer: str | None) -> Unprocessable | None:
    """Why a SetupIntent cannot become this account's saved bank account, or None. Pure."""
    theirs = setup.customer is None or setup.customer_account != account
    if theirs or (known_customer is not None and setup.customer != known_customer):
        return _refuse(
            "That bank account was not connected for this account. " + CONNECT_AGAIN, "setup_intent_not_yours"
        )
    if setup.status == "requires_action" and setup.next_action == "verify_with_microdeposits":
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


def save(account, setup_intent_id, ach_authorization, make_default=False, client_address=None) -> PaymentProfile:
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
    refused = refusal(setup, account, processor_customer(account))
    if refused is not None:
        raise refused
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
