"""Finishing a charged payment: confirm at invoice_service, then succeeded + receipt in one transaction."""
import logging

from sqlalchemy import update

from billpay_common.errors import Conflict, DomainError, NotFound
from billpay_common.queue import PAYMENT_RECEIPT

from . import outbox
from .clients import ServiceUnavailable
from .extensions import db
from .models import Payment, utcnow
from .processor import ProcessorError, ProcessorTimeout, current_processor

log = logging.getLogger(__name__)
NOT_APPLIED = ("Your payment could not be applied to the invoices, so it was refunded. "
               "Please check your balance and pay again.")


def transition(payment, from_statuses, to_status, **values):
    """Move the payment on only if no other process did first; False (and rolled back) otherwise."""
    result = db.session.execute(update(Payment).where(Payment.id == payment.id, Payment.status.in_(from_statuses))
                                .values(status=to_status, updated_at=utcnow(), **values))
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(payment)
        return False
    return True


def payment_event_data(payment, date):
    return {"payment_id": payment.id, "date": date.isoformat(), "account": payment.account,
            "account_name": payment.account_name,
            "allocations": [{"invoice": item.invoice, "amount": str(item.amount)} for item in payment.allocations],
            "card": {"brand": payment.brand, "last4": payment.last4}}


def settle_charged(payment, client, raise_conflict=False):
    """The processor took the money: apply it to the invoices and queue the receipt."""
    paid_at = utcnow()
    try:
        client.confirm(payment.id, paid_at, payment.brand, payment.last4)
    except ServiceUnavailable as down:
        log.warning("payment %s charged but not yet confirmed (%s); the reconciler will finish it", payment.id, down)
        payment.status = "pending"
        db.session.commit()
        return payment
    except Conflict as refused:
        return _refund_unapplied(payment, refused, raise_conflict)
    if transition(payment, ("processing", "pending"), "succeeded", paid_at=paid_at):
        data = payment_event_data(payment, paid_at.date())
        data["total"] = str(payment.amount)
        outbox.add_event(PAYMENT_RECEIPT, payment.account, payment.receipt_email, data)
        db.session.commit()
    return payment


def _refund_unapplied(payment, refused, raise_conflict):
    log.error("payment %s charged but invoice_service refused to confirm it: %s", payment.id, refused.code)
    try:
        current_processor().refund(payment.id, payment.amount)
    except (ProcessorTimeout, ProcessorError):
        log.exception("refund of unapplied payment %s failed; it stays pending for the reconciler", payment.id)
        payment.status = "pending"
        db.session.commit()
        return payment
    if transition(payment, ("processing", "pending"), "failed", failure_code="payment_not_applied",
                  failure_message=NOT_APPLIED):
        db.session.commit()
    if raise_conflict:
        raise Conflict(NOT_APPLIED, code="payment_not_applied")
    return payment


# A failed payment whose reservation invoice_service may still hold; the worker releases it.
RELEASE_PENDING = "release_pending"


def release_quietly(client, payment_id):
    """Give the reserved amounts back; False when invoice_service could not be told (try again later)."""
    try:
        client.release(payment_id)
        return True
    except NotFound:
        return True  # never reserved: nothing to give back
    except (ServiceUnavailable, DomainError) as error:
        log.warning("reservation of payment %s not released now: %s", payment_id, error)
        return False
