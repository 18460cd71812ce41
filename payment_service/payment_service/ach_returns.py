"""Bank-account (ACH) debits after the charge: they settle days later or come back with a return code.

Stripe tells both with payment_intent.succeeded / payment_intent.payment_failed (or charge.failed), and an
unauthorized debit disputed after it settled with charge.dispute.created (webhooks.py applies each once by event
id). A return (R01 insufficient funds, R02 account closed, R03 no account, R10 not authorized) reverses the
payment (its reservation is released, so the invoices get their balance back) and e-mails the subscriber; for
R02, R03 and R10 the bank account cannot be used again: its saved profile is removed and AutoPay from it is
suspended. Processors reached without webhooks here (the sandbox) list their events instead: `apply_listed_events`
puts each through the same handler."""

import logging
from collections import Counter

import stripe
from flask import current_app

from billpay_common.errors import Conflict
from billpay_common.queue import AUTOPAY_SUSPENDED, PAYMENT_RETURNED

from . import autopay, outbox
from .ach_authorizations import bank_account_words
from .extensions import db
from .models import AutoPayEnrolment, Payment, PaymentProfile

log = logging.getLogger(__name__)
# Stripe's failure codes of us_bank_account payments and the NACHA return codes they stand for.
RETURN_CODES = {
    "insufficient_funds": "R01",
    "account_closed": "R02",
    "no_account": "R03",
    "debit_not_authorized": "R10",
}
REASONS = {
    "R01": "insufficient funds",
    "R02": "the account is closed",
    "R03": "no account was found",
    "R10": "the account holder says the debit was not authorized",
}
DISABLING = ("R02", "R03", "R10")
NOT_AUTHORIZED = "R10"
BANK_ACCOUNT = "us_bank_account"


def return_code_of(error: dict) -> str | None:
    """The R code of a us_bank_account payment's last_payment_error, None for anything else (a card decline)."""
    if (error.get("payment_method") or {}).get("type") != BANK_ACCOUNT:
        return None
    return error.get("ach_return_code") or RETURN_CODES.get(error.get("code") or "")


def record_return(payment: Payment, code: str) -> None:
    """Stage what a return changes besides the payment itself (already released and failed by the caller)."""
    disabled = code in DISABLING and payment.profile_id is not None
    suspended = disabled and _suspend_autopay_from(payment.account, payment.profile_id, code)
    if disabled:
        _remove_profile(payment.profile_id)
    outbox.add_event(
        PAYMENT_RETURNED, payment.account, payment.receipt_email, _notice(payment, code, disabled, suspended)
    )
    log.info("payment %s returned %s (profile disabled: %s)", payment.id, code, disabled)


def _suspend_autopay_from(account: str, profile_id: str, code: str) -> bool:
    enrolment = db.session.get(AutoPayEnrolment, account)
    if enrolment is None or enrolment.status != autopay.ON or enrolment.profile_id != profile_id:
        return False
    reason = f"the bank returned an AutoPay debit {code}: {REASONS[code]}"
    autopay.suspend(enrolment, reason)
    outbox.add_event(AUTOPAY_SUSPENDED, account, None, _suspension_notice(enrolment, reason))
    return True


def _remove_profile(profile_id: str) -> None:
    profile = db.session.get(PaymentProfile, profile_id)
    if profile is not None:
        db.session.delete(profile)


def _notice(payment: Payment, code: str, disabled: bool, suspended: bool) -> dict:
    return {
        "payment_id": payment.id,
        "account": payment.account,
        "account_name": payment.account_name,
        "amount": str(payment.amount),
        "method": bank_account_words(payment.brand, payment.last4),
        "return_code": code,
        "reason": REASONS[code],
        "invoices": ", ".join(item.invoice for item in payment.allocations),
        "bank_account_disabled": disabled,
        "autopay_suspended": suspended,
        "pay_link": current_app.config["PORTAL_PAYMENT_URL"],
    }


def _suspension_notice(enrolment: AutoPayEnrolment, reason: str) -> dict:
    return {
        "account": enrolment.account,
        "account_name": "",
        "invoice": "",
        "amount": "0.00",
        "method": "bank account",
        "message": reason,
        "pay_link": current_app.config["PORTAL_PAYMENT_URL"],
    }


def apply_listed_events(processor) -> dict[str, int]:
    """Put the events the processor lists through the webhook handler, newest first: each applies once (by its id),
    and reading stops after a page of events all applied before, so a pass costs what is new, not all history."""
    outcomes: Counter[str] = Counter()
    for page in processor.event_pages():
        applied = [_apply_listed(listed) for listed in page]
        outcomes.update(applied)
        if all(outcome == "duplicate" for outcome in applied):
            break
    return dict(outcomes)


def _apply_listed(listed) -> str:
    from .webhooks import apply_event  # webhooks calls record_return

    try:
        return apply_event(stripe.Event.construct_from(listed, None))
    except Conflict:
        db.session.rollback()
        return "not_yet"
