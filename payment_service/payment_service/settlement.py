"""Finishing a charged payment: confirm at invoice_service, then succeeded + receipt in one commit.

Shared by the payment flow (charging) and the reconciler; the collaborators are passed in (see ports).
"""

import logging
from datetime import date
from typing import Any

from billpay_common.clock import utcnow
from billpay_common.errors import Conflict, DomainError, NotFound
from billpay_common.queue import PAYMENT_RECEIPT

from .clients import ServiceUnavailable
from .models import NOT_APPLIED, Payment
from .outbox import ON_FILE
from .ports import InvoiceReservations, UnitOfWork
from .processor import Processor, ProcessorError, ProcessorTimeout

log = logging.getLogger(__name__)


def payment_event_data(payment: Payment, day: date) -> dict[str, Any]:
    return {
        "payment_id": payment.id,
        "date": day.isoformat(),
        "account": payment.account,
        "account_name": payment.account_name,
        "allocations": [{"invoice": item.invoice, "amount": str(item.amount)} for item in payment.allocations],
        "card": {"brand": payment.brand, "last4": payment.last4},
    }


def settle_charged(
    payment: Payment,
    *,
    invoices: InvoiceReservations,
    processor: Processor,
    uow: UnitOfWork,
    raise_conflict: bool = False,
) -> Payment:
    """The processor took the money: apply it to the invoices and queue the receipt."""
    paid_at = utcnow()
    try:
        confirmed = invoices.confirm(payment.id, paid_at, payment.brand, payment.last4)
    except ServiceUnavailable as down:
        log.warning("payment %s charged but not yet confirmed (%s); the reconciler will finish it", payment.id, down)
        payment.wait_for_reconciler()
        uow.commit()
        return payment
    except Conflict as refused:
        return _refund_unapplied(payment, refused, processor, uow, raise_conflict)
    payment.succeed(paid_at)
    receipt = payment_event_data(payment, paid_at.date())
    receipt["total"] = str(payment.amount)
    if confirmed.get("account"):  # an invoice_service older than this answer has none: the relay asks
        receipt[ON_FILE] = confirmed["account"]
    uow.add_event(PAYMENT_RECEIPT, payment.account, payment.receipt_email, receipt)
    uow.commit()
    return payment


def _refund_unapplied(
    payment: Payment, refused: Conflict, processor: Processor, uow: UnitOfWork, raise_conflict: bool
) -> Payment:
    log.error("payment %s charged but invoice_service refused to confirm it: %s", payment.id, refused.code)
    try:
        processor.refund(payment.id, payment.amount)
    except (ProcessorTimeout, ProcessorError):
        log.exception("refund of unapplied payment %s failed; it stays pending for the reconciler", payment.id)
        payment.wait_for_reconciler()
        uow.commit()
        return payment
    payment.refunded_unapplied()
    uow.commit()
    if raise_conflict:
        raise Conflict(NOT_APPLIED, code="payment_not_applied")
    return payment


def release_quietly(invoices: InvoiceReservations, payment_id: str) -> bool:
    """Give the reserved amounts back; False when invoice_service could not be told (try again later)."""
    try:
        invoices.release(payment_id)
        return True
    except NotFound:
        return True  # never reserved: nothing to give back
    except (ServiceUnavailable, DomainError) as error:
        log.warning("reservation of payment %s not released now: %s", payment_id, error)
        return False
