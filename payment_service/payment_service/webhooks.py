"""Stripe's events, applied once each: a signature-checked event is recorded by its id in the same commit as
what it changes, so a redelivery (Stripe delivers at least once) changes nothing.

An event about a payment whose own request is still charging (processing) is answered 409 and not recorded:
that request settles it, and Stripe delivers the event again later, when it is recorded as already applied.

A bank-account (ACH) debit is pending for days: payment_intent.succeeded settles it; payment_intent.payment_failed
or charge.failed (Stripe sends both, the second finds it already applied) with an ACH failure code returns it
(ach_returns). A dispute of a settled debit is the account holder telling their bank it was not authorized: the
money is already back with them, so the invoices are open again and the bank account is not debited again.

charge.dispute.closed ends a dispute: won (or an inquiry closed) puts a card payment back to succeeded; lost makes
it charged_back and gives its invoices their balance back (a disputed debit's were given back when it opened).
"""

import logging
from decimal import Decimal

import stripe
from flask import current_app

from billpay_common.errors import Conflict, DomainError

from . import ach_returns, bank_account_setups
from .clients import ServiceUnavailable, invoice_client
from .extensions import db
from .models import Payment, ProcessedWebhookEvent, StripeIntent
from .payment_status import PaymentStatus
from .processor import current_processor
from .processor.stripe_processor import REFERENCE_KEY
from .refunds import record_partial_refund, record_reversal
from .settlement import release_quietly, settle_charged
from .unit_of_work import SqlUnitOfWork

log = logging.getLogger(__name__)
CENT = Decimal("0.01")
SETUP_SUCCEEDED = "setup_intent.succeeded"  # a bank account verified by microdeposits (bank_account_setups)


class BadSignature(DomainError):
    status = 400
    code = "bad_signature"


def verified_event(payload: bytes, signature: str | None):
    """The event, when Stripe's signature over the raw body matches STRIPE_WEBHOOK_SECRET; else BadSignature."""
    secret = current_app.config["STRIPE_WEBHOOK_SECRET"]
    if not secret:
        raise BadSignature("Stripe webhooks are not configured here.")
    try:
        return stripe.Webhook.construct_event(payload, signature, secret)
    except (stripe.SignatureVerificationError, ValueError):
        raise BadSignature("The Stripe-Signature header does not match this payload.") from None


def apply_event(event) -> str:
    """What the event did ("succeeded", "refunded", "disputed", "already", "duplicate", "ignored", ...). The event's
    row is staged before the change, so it is stored by the same commit (two deliveries at once: one fails)."""
    if db.session.get(ProcessedWebhookEvent, event.id) is not None:
        return "duplicate"
    if event.type == SETUP_SUCCEEDED:
        return _setup_succeeded(event)
    handler = HANDLERS.get(event.type)
    obj = event.data.object.to_dict()
    payment = _payment_of(obj) if handler else None
    if payment is None:
        return _record(event, None, "ignored")
    if payment.status is PaymentStatus.PROCESSING:
        raise Conflict("That payment is still being charged; send the event again later.", code="not_yet")
    db.session.add(ProcessedWebhookEvent(event_id=event.id, type=event.type, payment_id=payment.id, outcome="applying"))
    outcome = handler(payment, obj)
    return _record(event, payment, outcome)


def _setup_succeeded(event):
    """A bank account that awaited microdeposits is verified: saved now (its row staged first, as above)."""
    db.session.add(ProcessedWebhookEvent(event_id=event.id, type=event.type, payment_id=None, outcome="applying"))
    outcome = bank_account_setups.save_verified(event.data.object["id"])
    return _record(event, None, outcome)


def _record(event, payment, outcome):
    row = db.session.get(ProcessedWebhookEvent, event.id) or ProcessedWebhookEvent(event_id=event.id, type=event.type)
    row.payment_id, row.outcome = (payment.id if payment else None), outcome
    db.session.add(row)
    db.session.commit()
    return outcome


def _payment_of(obj) -> Payment | None:
    reference = (obj.get("metadata") or {}).get(REFERENCE_KEY)
    intent_id = obj["id"] if obj.get("object") == "payment_intent" else obj.get("payment_intent")
    if reference is None and intent_id:
        reference = db.session.execute(
            db.select(StripeIntent.reference).where(StripeIntent.intent_id == intent_id)
        ).scalar()
    return db.session.get(Payment, reference) if reference else None


def _succeeded(payment, _intent):
    if payment.status is not PaymentStatus.PENDING:
        return "already"
    uow = SqlUnitOfWork()
    uow.close_abandoned_requests(payment.id)
    payment.charged(payment.id)
    settle_charged(payment, invoices=invoice_client(), processor=current_processor(), uow=uow)
    return payment.status.value


def _failed(payment, intent):
    return _failed_with(payment, intent.get("last_payment_error") or {})


def _charge_failed(payment, charge):
    """Only a bank debit's failure: a card's charge.failed comes with payment_intent.payment_failed, applied there."""
    error = {
        "code": charge.get("failure_code"),
        "message": charge.get("failure_message") or "",
        "payment_method": {"type": (charge.get("payment_method_details") or {}).get("type")},
    }
    if ach_returns.return_code_of(error) is None:
        return "ignored"
    return _failed_with(payment, error)


def _failed_with(payment, error):
    if payment.status is not PaymentStatus.PENDING:
        return "already"
    if not release_quietly(invoice_client(), payment.id):
        raise DomainError("invoice_service cannot be told now; send the event again.", status=503)
    SqlUnitOfWork().close_abandoned_requests(payment.id)
    return_code = ach_returns.return_code_of(error)
    if return_code is not None:  # an ACH debit the bank returned: reversed, the subscriber is told
        payment.refuse(f"ach_return_{return_code}", ach_returns.REASONS[return_code])
        ach_returns.record_return(payment, return_code)
        return "returned"
    # failed, not declined: the subscriber was told "pending"; nothing was charged
    payment.refuse(error.get("decline_code") or error.get("code") or "card_declined", error.get("message") or "")
    return payment.status.value


def _refunded(payment, charge):
    """The charge's amount_refunded is the total so far: a full refund reverses the payment; a partial one gives
    back what is new since the last one recorded (events may come late, twice or out of order)."""
    if payment.status not in (PaymentStatus.SUCCEEDED, PaymentStatus.DISPUTED):
        return "already"
    refunded = _dollars(charge["amount_refunded"])
    if refunded >= _dollars(charge["amount"]):
        record_reversal(payment, PaymentStatus.REFUNDED, SqlUnitOfWork())
        return payment.status.value
    if refunded <= payment.refunded_amount:
        return "already"
    record_partial_refund(payment, refunded, SqlUnitOfWork())
    return "partly_refunded"


def _dollars(cents):
    return (Decimal(cents) / 100).quantize(CENT)


def _disputed(payment, dispute):
    if payment.status is not PaymentStatus.SUCCEEDED:
        return "already"
    if payment.kind == ach_returns.BANK_ACCOUNT:
        _reverse_disputed_debit(payment, dispute)
    payment.disputed()
    return payment.status.value


def _reverse_disputed_debit(payment, dispute):
    """Stripe takes a disputed debit back at once: the invoices get their balance back, and the debit is treated
    as the bank's not-authorized return (the account disabled, AutoPay from it suspended, the subscriber told)."""
    _give_invoices_back(payment)
    code = ach_returns.RETURN_CODES.get(dispute.get("reason") or "", ach_returns.NOT_AUTHORIZED)
    ach_returns.record_return(payment, code)


DISPUTE_WON = ("won", "warning_closed")


def _dispute_closed(payment, dispute):
    if payment.status is not PaymentStatus.DISPUTED:
        return "already"
    closed_as = dispute.get("status")
    if closed_as == "lost":
        if payment.kind != ach_returns.BANK_ACCOUNT:
            _give_invoices_back(payment)
        payment.charged_back()
        return payment.status.value
    if closed_as in DISPUTE_WON and payment.kind != ach_returns.BANK_ACCOUNT:
        payment.dispute_won()
        return payment.status.value
    if closed_as in DISPUTE_WON:  # Stripe says ACH disputes cannot be contested: the office must look at it
        log.warning("payment %s: a bank debit's dispute closed as %s; its invoices stay open", payment.id, closed_as)
    return "ignored"


def _give_invoices_back(payment):
    try:
        invoice_client().reverse(payment.id)
    except ServiceUnavailable:
        raise DomainError("invoice_service cannot be told now; send the event again.", status=503) from None


HANDLERS = {
    "payment_intent.succeeded": _succeeded,
    "payment_intent.payment_failed": _failed,
    "charge.failed": _charge_failed,
    "charge.refunded": _refunded,
    "charge.dispute.created": _disputed,
    "charge.dispute.closed": _dispute_closed,
}
