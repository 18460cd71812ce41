"""The accounting office's refund and void: processor first, then invoice balances, then the e-mail."""

from datetime import datetime
from typing import Any

from sqlalchemy import select

from billpay_common.clock import utcnow
from billpay_common.errors import Conflict, NotFound, Unavailable
from billpay_common.pagination import paginate
from billpay_common.queue import PAYMENT_REFUND

from .clients import ServiceUnavailable, invoice_client
from .extensions import db
from .models import Payment
from .payment_status import PaymentStatus
from .processor import Processor, ProcessorError, ProcessorTimeout, current_processor
from .settlement import payment_event_data
from .unit_of_work import SqlUnitOfWork

DONE = {"refund": PaymentStatus.REFUNDED, "void": PaymentStatus.VOIDED}


def reverse_payment(payment_id: str, kind: str) -> Payment:
    """Refund (kind "refund") or void a succeeded payment; asking again answers the same payment."""
    uow = SqlUnitOfWork()
    payment = uow.get_payment(payment_id)
    if payment is None:
        raise NotFound(f"Payment {payment_id} was not found.")
    if payment.status in DONE.values():
        return payment
    if payment.status is not PaymentStatus.SUCCEEDED:
        raise Conflict(
            f"Only a succeeded payment can be reversed; payment {payment_id} is {payment.status}.",
            code="not_reversible",
        )
    _reverse_at_processor(payment, kind, current_processor())
    return record_reversal(payment, DONE[kind], uow)


def record_reversal(payment: Payment, status: PaymentStatus, uow: SqlUnitOfWork) -> Payment:
    """The money went back at the processor: restore the invoice balances, then the status and the refund
    e-mail in one commit (also for a refund made in the processor's dashboard, told by its webhook)."""
    try:
        invoice_client().reverse(payment.id)
    except ServiceUnavailable as down:
        raise Unavailable(
            "The card was refunded but the invoices cannot be updated right now. Repeat the request shortly to finish.",
            code="try_again_shortly",
        ) from down
    payment.reverse(status)
    data = payment_event_data(payment, utcnow().date())
    data["amount"] = str(payment.amount)
    uow.add_event(PAYMENT_REFUND, payment.account, payment.receipt_email, data)
    uow.commit()
    return payment


def _reverse_at_processor(payment: Payment, kind: str, processor: Processor) -> None:
    try:
        if kind == "void":
            processor.void(payment.id)
        else:
            processor.refund(payment.id, payment.amount)
    except ProcessorTimeout as timeout:
        raise Unavailable(
            "The card processor did not answer. Repeat the request shortly.", code="try_again_shortly"
        ) from timeout
    except ProcessorError as refused:
        if processor.lookup(payment.id).status not in DONE.values():
            raise Conflict(f"The card processor refused: {refused}", code="processor_refused") from refused


def list_for_ops(
    account: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    status: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> dict[str, Any]:
    query = select(Payment)
    if account:
        query = query.where(Payment.account == account)
    if status:
        query = query.where(Payment.status == status)
    if start:
        query = query.where(Payment.created_at >= start)
    if end:
        query = query.where(Payment.created_at < end)
    return paginate(db.session, query.order_by(Payment.created_at.desc(), Payment.id), page, per_page)
