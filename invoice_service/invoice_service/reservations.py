"""Holding invoice amounts for a payment in flight, then applying, releasing or reversing them.

Every use case is idempotent on payment_id and locks the invoices it touches before it reads balances.
"""

from datetime import UTC, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from billpay_common.clock import utcnow
from billpay_common.errors import Conflict, NotFound, Unprocessable
from billpay_common.money import display_money

from . import ledger
from .extensions import db
from .models import (
    CONFIRMED,
    RELEASED,
    RESERVED,
    REVERSED,
    AppliedPayment,
    BillingAccount,
    Reservation,
    ReservationLine,
)


def _answer(reservation):
    return {
        "payment_id": reservation.payment_id,
        "status": reservation.status,
        "expires_at": reservation.expires_at.replace(tzinfo=UTC),
    }


def _status(reservation):
    """What a use case answers, taken before its commit: after it every attribute read would load the row again
    (a SELECT per answer), for values this transaction has just written itself."""
    return {"payment_id": reservation.payment_id, "status": reservation.status}


def _same_request(reservation, account, allocations):
    wanted = sorted((a["invoice"], a["amount"]) for a in allocations)
    return reservation.account == account and wanted == sorted(
        (line.invoice, line.amount) for line in reservation.lines
    )


def _exceeds(number, room):
    return Conflict(
        f"The amount for invoice {number} is more than its open balance of {display_money(room)}.",
        code="amount_exceeds_balance",
    )


def _check_fits(invoices, wanted, payment_id):
    held = ledger.reserved_elsewhere(wanted, payment_id)
    for number, amount in wanted.items():
        room = ledger.available(invoices[number], held)
        if amount > room:
            raise _exceeds(number, max(room, 0))


def reserve(payment_id, account, allocations, ttl_seconds):
    existing = db.session.get(Reservation, payment_id)
    if existing is not None:
        if not _same_request(existing, account, allocations):
            raise Conflict("This payment id was already used for other amounts.", code="payment_id_in_use")
        return _answer(existing)
    wanted = {}
    for allocation in allocations:
        if allocation["invoice"] in wanted:
            raise Unprocessable(f"Invoice {allocation['invoice']} appears twice: pay it in one line.")
        wanted[allocation["invoice"]] = allocation["amount"]
    invoices = ledger.lock_invoices(wanted)
    for number in wanted:
        if number not in invoices or invoices[number].account != account:
            raise NotFound(f"There is no invoice {number} on account {account}.")
    _check_fits(invoices, wanted, payment_id)
    reservation = Reservation(
        payment_id=payment_id, account=account, status=RESERVED, expires_at=utcnow() + timedelta(seconds=ttl_seconds)
    )
    db.session.add(reservation)
    db.session.add_all(
        ReservationLine(payment_id=payment_id, invoice=number, amount=amount) for number, amount in wanted.items()
    )
    answer = _answer(reservation)  # before the commit, which would expire what it says (see _status)
    try:
        db.session.commit()
    except IntegrityError:  # the same payment_id reserved at the same moment by a retry
        db.session.rollback()
        existing = db.session.get(Reservation, payment_id)
        if existing is None:
            raise
        if not _same_request(existing, account, allocations):
            raise Conflict("This payment id was already used for other amounts.", code="payment_id_in_use") from None
        return _answer(existing)
    return answer


def _locked(payment_id):
    """The reservation and its invoices, all locked (the invoices first, as reserve locks them); NotFound for an
    unknown payment id. A reservation's lines never change after reserve, so their invoice numbers are read
    alone, unlocked, and the reservation with its lines is loaded once, under its lock."""
    numbers = db.session.scalars(select(ReservationLine.invoice).where(ReservationLine.payment_id == payment_id)).all()
    invoices = ledger.lock_invoices(numbers) if numbers else {}
    reservation = db.session.scalars(
        select(Reservation)
        .where(Reservation.payment_id == payment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if reservation is None:
        raise NotFound(f"There is no reservation for payment {payment_id}.")
    return reservation, invoices


def _confirmed(reservation):
    """The answer to a confirm: with the account's address and name on file, which payment_service's receipt
    needs, so that it need not ask for them in a call of its own."""
    owner = db.session.get(BillingAccount, reservation.account)
    on_file = {"email": owner.email, "name": owner.name} if owner is not None else {"email": "", "name": ""}
    return {**_status(reservation), "account": on_file}


def confirm(payment_id, paid_at=None, brand="", last4=""):
    reservation, invoices = _locked(payment_id)
    if reservation.status == CONFIRMED:
        return _confirmed(reservation)
    if reservation.status != RESERVED:
        raise Conflict(
            f"Payment {payment_id} was {reservation.status}; it cannot be confirmed.",
            code=f"reservation_{reservation.status}",
        )
    _check_fits(invoices, {line.invoice: line.amount for line in reservation.lines}, payment_id)
    paid_at = paid_at.astimezone(UTC).replace(tzinfo=None) if paid_at and paid_at.tzinfo else paid_at or utcnow()
    for line in reservation.lines:
        invoice = invoices[line.invoice]
        db.session.add(
            AppliedPayment(
                payment_id=payment_id,
                invoice=line.invoice,
                account=reservation.account,
                amount=line.amount,
                paid_at=paid_at,
                brand=brand,
                last4=last4,
            )
        )
        invoice.paid_total += line.amount
        ledger.settle(invoice)
    reservation.status = CONFIRMED
    answer = _confirmed(reservation)
    db.session.commit()
    return answer


def release(payment_id):
    reservation, _ = _locked(payment_id)
    if reservation.status in (CONFIRMED, REVERSED):
        raise Conflict(f"Payment {payment_id} is already applied; reverse it instead.", code="reservation_confirmed")
    reservation.status = RELEASED
    answer = _status(reservation)
    db.session.commit()
    return answer


def reverse(payment_id):
    reservation, invoices = _locked(payment_id)
    if reservation.status == REVERSED:
        return _status(reservation)
    if reservation.status != CONFIRMED:
        raise Conflict(
            f"Payment {payment_id} was never applied; release it instead.", code=f"reservation_{reservation.status}"
        )
    now = utcnow()
    applied = db.session.scalars(
        select(AppliedPayment).where(AppliedPayment.payment_id == payment_id, AppliedPayment.reversed_at.is_(None))
    ).all()
    for payment in applied:
        payment.reversed_at = now
        invoice = invoices[payment.invoice]
        invoice.paid_total -= payment.amount - payment.refunded  # a partial refund gave its part back already
        ledger.settle(invoice)
    reservation.status = REVERSED
    answer = _status(reservation)
    db.session.commit()
    return answer


def refund_part(payment_id, refunded_by_invoice):
    """Part of an applied payment was refunded: `refunded_by_invoice` is how much of each invoice's amount is
    refunded so far (a total, not an increment), so the same request again changes nothing."""
    reservation, invoices = _locked(payment_id)
    if reservation.status == REVERSED:
        return _status(reservation)
    if reservation.status != CONFIRMED:
        raise Conflict(
            f"Payment {payment_id} was never applied; release it instead.", code=f"reservation_{reservation.status}"
        )
    applied = db.session.scalars(
        select(AppliedPayment).where(AppliedPayment.payment_id == payment_id, AppliedPayment.reversed_at.is_(None))
    ).all()
    for payment in applied:
        target = refunded_by_invoice.get(payment.invoice, payment.refunded)
        if target > payment.amount:
            raise Unprocessable(
                f"Invoice {payment.invoice} had {payment.amount} of payment {payment_id}; {target} cannot be refunded.",
                code="refund_exceeds_payment",
            )
        if target > payment.refunded:
            invoice = invoices[payment.invoice]
            invoice.paid_total -= target - payment.refunded
            payment.refunded = target
            ledger.settle(invoice)
    answer = _status(reservation)
    db.session.commit()
    return answer
