"""Settling payments whose charge outcome is unknown (timeout, crash): look up by reference, never charge again."""
import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from billpay_common.errors import NotFound

from . import settlement
from .clients import ServiceUnavailable, invoice_client
from .extensions import db
from .models import IdempotencyRecord, Payment, utcnow
from .processor import ProcessorTimeout, current_processor

log = logging.getLogger(__name__)
NOT_CHARGED = "The card processor did not take this payment, so nothing was charged. Please pay again."


def due_payment_ids(now=None):
    now = now or utcnow()
    config = current_app.config
    pending_before = now - timedelta(seconds=config["RECONCILE_AFTER_SECONDS"])
    processing_before = now - timedelta(seconds=config["STALE_PROCESSING_SECONDS"])
    query = select(Payment.id).where(or_(
        and_(Payment.status == "pending", Payment.updated_at <= pending_before),
        and_(Payment.status == "processing", Payment.updated_at <= processing_before),
        and_(Payment.status == "failed", Payment.failure_code == settlement.RELEASE_PENDING),
    )).order_by(Payment.created_at)
    ids = list(db.session.execute(query.limit(200)).scalars())
    db.session.rollback()
    return ids


def reconcile_pending(now=None):
    """Returns {payment_id: outcome} for this run."""
    outcomes = {}
    for payment_id in due_payment_ids(now):
        try:
            outcomes[payment_id] = reconcile_one(payment_id)
        except Exception:  # one payment's trouble must not stop the others
            db.session.rollback()
            log.exception("reconciling payment %s failed; will retry", payment_id)
            outcomes[payment_id] = "error"
    return outcomes


def _close_idempotency(payment_id):
    """A request that died mid-way left its key in use: let replays see the payment from now on."""
    db.session.execute(update(IdempotencyRecord).where(IdempotencyRecord.payment_id == payment_id,
                                                       IdempotencyRecord.state == "in_progress")
                       .values(state="done", response_status=201))


def _release_refused(payment):
    """A payment refused while invoice_service was away: give back what it may still have reserved."""
    if settlement.release_quietly(invoice_client(), payment.id):
        payment.failure_code = "try_again_shortly"
        db.session.commit()
        return "released"
    return "unknown"


def reconcile_one(payment_id):
    payment = db.session.get(Payment, payment_id)
    if payment is not None and payment.status == "failed" and payment.failure_code == settlement.RELEASE_PENDING:
        return _release_refused(payment)
    if payment is None or payment.status not in ("pending", "processing"):
        return "skipped"
    try:
        found = current_processor().lookup(payment.id)
    except ProcessorTimeout:
        return "unknown"
    client = invoice_client()
    _close_idempotency(payment.id)
    if found.status in ("charged", "authorized"):
        if found.status == "authorized":
            current_processor().capture(payment.id)
        payment.processor_reference = payment.id
        settlement.settle_charged(payment, client)
        return payment.status
    try:
        client.release(payment.id)
    except ServiceUnavailable:
        db.session.commit()
        return "unknown"
    except NotFound:
        pass  # never reserved: the process stopped before invoice_service heard of it
    if settlement.transition(payment, ("pending", "processing"), "failed", failure_code="not_charged",
                             failure_message=NOT_CHARGED):
        db.session.commit()
    return payment.status
