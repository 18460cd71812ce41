"""The accounting office's refund and void: processor first, then invoice balances, then the e-mail."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from billpay_common.clock import utcnow
from billpay_common.errors import Conflict, NotFound, Unavailable
from billpay_common.pagination import paginate
from billpay_common.queue import PAYMENT_REFUND

from .clients import ServiceUnavailable, invoice_client
from .extensions import db
from .models import Allocation, Payment
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


NOT_YET_APPLIED = (
    "The card was refunded but the invoices cannot be updated right now. Repeat the request shortly to finish."
)


def refunded_by_invoice(allocations: Sequence[Allocation], refunded: Decimal) -> dict[str, Decimal]:
    """How `refunded` (so far) of a payment falls on its invoices: the last invoice it paid is reopened first."""
    left, split = refunded, {}
    for allocation in sorted(allocations, key=lambda item: item.position, reverse=True):
        split[allocation.invoice] = min(allocation.amount, left)
        left -= split[allocation.invoice]
    return split


def _refund_notice(payment: Payment, before: Decimal, after: Decimal, uow: SqlUnitOfWork) -> None:
    """The refund e-mail for what went back now (after - before) and the invoices it reopens."""
    was, now = refunded_by_invoice(payment.allocations, before), refunded_by_invoice(payment.allocations, after)
    data = payment_event_data(payment, utcnow().date())
    data["amount"] = str(after - before)
    data["allocations"] = [
        {"invoice": item.invoice, "amount": str(now[item.invoice] - was[item.invoice])}
        for item in payment.allocations
        if now[item.invoice] > was[item.invoice]
    ]
    uow.add_event(PAYMENT_REFUND, payment.account, payment.receipt_email, data)


def record_reversal(payment: Payment, status: PaymentStatus, uow: SqlUnitOfWork) -> Payment:
    """The money went back at the processor: restore the invoice balances, then the status and the refund
    e-mail in one commit (also for a refund made in the processor's dashboard, told by its webhook)."""
    try:
        invoice_client().reverse(payment.id)
    except ServiceUnavailable as down:
        raise Unavailable(NOT_YET_APPLIED, code="try_again_shortly") from down
    payment.reverse(status)
    _refund_notice(payment, payment.refunded_amount, payment.amount, uow)
    uow.commit()
    return payment


def record_partial_refund(payment: Payment, refunded: Decimal, uow: SqlUnitOfWork) -> Payment:
    """Part of the payment went back at the processor (`refunded` so far, more than recorded): those invoices get
    their part of the balance back (invoice_service takes totals, so a repeat changes nothing), then the amount
    and the refund e-mail for this part in one commit."""
    try:
        invoice_client().refund_part(payment.id, refunded_by_invoice(payment.allocations, refunded))
    except ServiceUnavailable as down:
        raise Unavailable(NOT_YET_APPLIED, code="try_again_shortly") from down
    _refund_notice(payment, payment.refunded_amount, refunded, uow)
    payment.refunded_in_part(refunded)
    uow.commit()
    return payment


def _reverse_at_processor(payment: Payment, kind: str, processor: Processor) -> None:
    try:
        if kind == "void":
            processor.void(payment.id)
        else:
            processor.refund(payment.id, payment.amount - payment.refunded_amount)
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
