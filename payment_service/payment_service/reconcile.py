"""Settling payments whose charge outcome is unknown (timeout, crash): look up by reference, never charge again."""

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select

from billpay_common.clock import utcnow
from billpay_common.errors import NotFound

from .clients import ServiceUnavailable, invoice_client
from .extensions import db
from .models import RELEASE_PENDING, Payment
from .payment_status import PaymentStatus
from .ports import InvoiceReservations, UnitOfWork
from .processor import Processor, ProcessorTimeout, current_processor
from .settlement import release_quietly, settle_charged
from .unit_of_work import SqlUnitOfWork

log = logging.getLogger(__name__)
BANK_ACCOUNT = "us_bank_account"


def due_payment_ids(now: datetime | None = None) -> list[str]:
    now = now or utcnow()
    config = current_app.config
    pending_before = now - timedelta(seconds=config["RECONCILE_AFTER_SECONDS"])
    processing_before = now - timedelta(seconds=config["STALE_PROCESSING_SECONDS"])
    bank_pending_before = now - timedelta(seconds=config["ACH_LOOKUP_AFTER_SECONDS"])
    query = (
        select(Payment.id)
        .where(
            or_(
                and_(
                    Payment.status == PaymentStatus.PENDING,
                    Payment.updated_at <= pending_before,
                    Payment.kind != BANK_ACCOUNT,
                ),
                # an ACH debit is pending for days and settled by its processor event: looked up only when that
                # event is long overdue (lost, or the debit never reached the processor)
                and_(
                    Payment.status == PaymentStatus.PENDING,
                    Payment.updated_at <= bank_pending_before,
                    Payment.kind == BANK_ACCOUNT,
                ),
                and_(Payment.status == PaymentStatus.PROCESSING, Payment.updated_at <= processing_before),
                and_(Payment.status == PaymentStatus.FAILED, Payment.failure_code == RELEASE_PENDING),
            )
        )
        .order_by(Payment.created_at)
    )
    ids = list(db.session.execute(query.limit(200)).scalars())
    db.session.rollback()
    return ids


def reconcile_pending(now: datetime | None = None) -> dict[str, str]:
    """Returns {payment_id: outcome} for this run."""
    outcomes = {}
    invoices, processor, uow = invoice_client(), current_processor(), SqlUnitOfWork()
    for payment_id in due_payment_ids(now):
        try:
            outcomes[payment_id] = reconcile_one(payment_id, invoices=invoices, processor=processor, uow=uow)
        except Exception:  # one payment's trouble must not stop the others
            db.session.rollback()
            log.exception("reconciling payment %s failed; will retry", payment_id)
            outcomes[payment_id] = "error"
    return outcomes


def _release_refused(payment: Payment, invoices: InvoiceReservations, uow: UnitOfWork) -> str:
    """A payment refused while invoice_service was away: give back what it may still have reserved."""
    if release_quietly(invoices, payment.id):
        payment.reservation_released()
        uow.commit()
        return "released"
    return "unknown"


def reconcile_one(payment_id: str, *, invoices: InvoiceReservations, processor: Processor, uow: UnitOfWork) -> str:
    payment = uow.get_payment(payment_id)
    if payment is not None and payment.status is PaymentStatus.FAILED and payment.failure_code == RELEASE_PENDING:
        return _release_refused(payment, invoices, uow)
    if payment is None or not payment.is_open:
        return "skipped"
    try:
        found = processor.lookup(payment.id)
    except ProcessorTimeout:
        return "unknown"
    if found.status == "pending":
        if payment.kind == BANK_ACCOUNT:  # still clearing at the bank: ask again after another ACH_LOOKUP_AFTER
            payment.updated_at = utcnow()
            uow.commit()
        return "unknown"  # still settling at the processor: ask again next round
    uow.close_abandoned_requests(payment.id)
    if found.status in ("charged", "authorized"):
        if found.status == "authorized":
            processor.capture(payment.id)
        payment.charged(payment.id)
        settle_charged(payment, invoices=invoices, processor=processor, uow=uow)
        return payment.status.value
    try:
        invoices.release(payment.id)
    except ServiceUnavailable:
        uow.commit()
        return "unknown"
    except NotFound:
        pass  # never reserved: the process stopped before invoice_service heard of it
    payment.never_charged()
    uow.commit()
    return payment.status.value
