"""Balances and the locks that keep them from being overdrawn."""

from sqlalchemy import func, select, update

from billpay_common.clock import utcnow
from billpay_common.money import ZERO, to_money

from .extensions import db
from .models import OPEN, PAID, RESERVED, VOID, Invoice, Reservation, ReservationLine


def settle(invoice):
    """Recompute the balance and status from the amount, payments and adjustments."""
    if invoice.status == VOID:
        invoice.balance = ZERO
        return
    invoice.balance = to_money(invoice.amount - invoice.paid_total + invoice.adjustment_total)
    invoice.status = OPEN if invoice.balance > ZERO else PAID


def lock_invoices(numbers):
    """The invoices, locked for this transaction, in a fixed order so two payments never deadlock.

    PostgreSQL locks the rows (SELECT ... FOR UPDATE). SQLite has no row locks: a no-op UPDATE takes
    its database write lock first, so concurrent writers queue up instead of reading stale balances.
    """
    numbers = sorted(set(numbers))
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(Invoice).where(Invoice.number.in_(numbers)).values(balance=Invoice.balance))
    found = db.session.scalars(
        select(Invoice)
        .where(Invoice.number.in_(numbers))
        .order_by(Invoice.number)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    return {invoice.number: invoice for invoice in found}


def reserved_elsewhere(numbers, payment_id=None):
    """Per invoice, what live (unconfirmed, unexpired) reservations other than payment_id's hold."""
    query = (
        select(ReservationLine.invoice, func.sum(ReservationLine.amount))
        .join(Reservation, Reservation.payment_id == ReservationLine.payment_id)
        .where(
            ReservationLine.invoice.in_(list(numbers)),
            Reservation.status == RESERVED,
            Reservation.expires_at > utcnow(),
        )
        .group_by(ReservationLine.invoice)
    )
    if payment_id is not None:
        query = query.where(Reservation.payment_id != payment_id)
    return {number: to_money(total) for number, total in db.session.execute(query).all()}


def available(invoice, held):
    return invoice.balance - held.get(invoice.number, ZERO) if invoice.status == OPEN else ZERO
