"""The accounting office's refund and void: processor first, then invoice balances, then the e-mail. Each is
recorded with who asked, what, how much and when (PaymentReversal); a refund above REFUND_APPROVAL_THRESHOLD waits
until a second, different supervisor approves it, and only then goes to the processor."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select

from billpay_common.clock import utcnow
from billpay_common.errors import Conflict, NotFound, Unavailable
from billpay_common.pagination import paginate
from billpay_common.queue import PAYMENT_REFUND

from .clients import ServiceUnavailable, invoice_client
from .extensions import db
from .models import Allocation, Payment, PaymentReversal
from .payment_status import PaymentStatus
from .processor import Processor, ProcessorError, ProcessorTimeout, current_processor
from .settlement import payment_event_data
from .unit_of_work import SqlUnitOfWork

DONE = {"refund": PaymentStatus.REFUNDED, "void": PaymentStatus.VOIDED}
AWAITING, REVERSED, REJECTED = "awaiting_approval", "done", "rejected"


def _reversible(uow: SqlUnitOfWork, payment_id: str) -> Payment:
    payment = uow.get_payment(payment_id)
    if payment is None:
        raise NotFound(f"Payment {payment_id} was not found.")
    if payment.status not in DONE.values() and payment.status is not PaymentStatus.SUCCEEDED:
        raise Conflict(
            f"Only a succeeded payment can be reversed; payment {payment_id} is {payment.status}.",
            code="not_reversible",
        )
    return payment


def request_reversal(payment_id: str, kind: str, actor: str) -> Payment | PaymentReversal:
    """The office's refund or void: done at once (the payment is answered), or for a refund above the approval
    threshold recorded as awaiting a second supervisor (the reversal is answered). Asking again answers the same."""
    uow = SqlUnitOfWork()
    payment = _reversible(uow, payment_id)
    if payment.status in DONE.values():
        return payment
    waiting = _awaiting(payment.id)
    if waiting is not None:
        return waiting
    remaining = payment.amount - payment.refunded_amount
    if kind == "refund" and remaining > current_app.config["REFUND_APPROVAL_THRESHOLD"]:
        reversal = PaymentReversal(
            payment_id=payment.id, kind=kind, amount=remaining, status=AWAITING, requested_by=actor
        )
        db.session.add(reversal)
        db.session.commit()
        return reversal
    return _reverse(uow, payment, kind, PaymentReversal(payment_id=payment.id, kind=kind, requested_by=actor))


def _awaiting(payment_id: str) -> PaymentReversal | None:
    return db.session.scalars(
        select(PaymentReversal).where(PaymentReversal.payment_id == payment_id, PaymentReversal.status == AWAITING)
    ).first()


def _reverse(uow: SqlUnitOfWork, payment: Payment, kind: str, reversal: PaymentReversal) -> Payment:
    """To the processor, then the balances; the reversal's record is committed with the payment's new status."""
    reversal.amount = payment.amount - payment.refunded_amount
    _reverse_at_processor(payment, kind, current_processor())
    reversal.status = REVERSED
    db.session.add(reversal)
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


def _waiting_reversal(reversal_id: str) -> PaymentReversal:
    reversal = db.session.get(PaymentReversal, reversal_id)
    if reversal is None:
        raise NotFound(f"There is no refund {reversal_id} to approve.")
    if reversal.status != AWAITING:
        raise Conflict(f"Refund {reversal_id} is {reversal.status}, not awaiting approval.", code="not_awaiting")
    return reversal


def approve(reversal_id: str, actor: str) -> PaymentReversal:
    """A second supervisor's approval sends the refund to the processor; nobody approves their own."""
    reversal = _waiting_reversal(reversal_id)
    if reversal.requested_by == actor:
        raise Conflict("A refund needs a second supervisor: you asked for this one.", code="own_request")
    uow = SqlUnitOfWork()
    payment = _reversible(uow, reversal.payment_id)
    reversal.decided_by, reversal.decided_at = actor, utcnow()
    if payment.status in DONE.values():  # reversed meanwhile (the processor's dashboard, told by its webhook)
        reversal.status = REVERSED
        db.session.commit()
        return reversal
    _reverse(uow, payment, reversal.kind, reversal)
    return reversal


def reject(reversal_id: str, actor: str) -> PaymentReversal:
    reversal = _waiting_reversal(reversal_id)
    reversal.status, reversal.decided_by, reversal.decided_at = REJECTED, actor, utcnow()
    db.session.commit()
    return reversal


def reversals(status: str | None = None, payment_id: str | None = None, limit: int = 100) -> list[PaymentReversal]:
    query = select(PaymentReversal).order_by(PaymentReversal.requested_at.desc(), PaymentReversal.id)
    if status:
        query = query.where(PaymentReversal.status == status)
    if payment_id:
        query = query.where(PaymentReversal.payment_id == payment_id)
    return list(db.session.scalars(query.limit(limit)))


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
