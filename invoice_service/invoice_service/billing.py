"""What a subscriber reads: the Billing page, invoice lists, one invoice, its charges and payments."""

from datetime import date

from sqlalchemy import func, select

from billpay_common.dates import months_before
from billpay_common.errors import NotFound
from billpay_common.money import ZERO, to_money
from billpay_common.pagination import paginate

from .extensions import db
from .models import OPEN, AppliedPayment, BillingAccount, Charge, Invoice


def get_account(account):
    found = db.session.get(BillingAccount, account)
    if found is None:
        raise NotFound("No billing account is on file for this login.")
    return found


def profile(account: BillingAccount):
    return {
        "system_number": account.system_number,
        "name": account.name,
        "address": {
            "line1": account.line1,
            "line2": account.line2,
            "city": account.city,
            "state": account.state,
            "zip": account.zip,
        },
        "account_type": account.account_type,
        "status": account.status,
        "comm_type": account.comm_type,
        "online_date": account.online_date,
        "phone": account.phone,
        "email": account.email,
        "paperless": account.paperless,
    }


def last_payment(account):
    latest = db.session.execute(
        select(AppliedPayment.payment_id, AppliedPayment.paid_at)
        .where(AppliedPayment.account == account, AppliedPayment.reversed_at.is_(None))
        .order_by(AppliedPayment.paid_at.desc(), AppliedPayment.id.desc())
        .limit(1)
    ).first()
    if latest is None:
        return {"amount": ZERO, "date": None, "payment_id": None}
    total = db.session.scalar(
        select(func.sum(AppliedPayment.amount - AppliedPayment.refunded)).where(
            AppliedPayment.account == account,
            AppliedPayment.payment_id == latest.payment_id,
            AppliedPayment.reversed_at.is_(None),
        )
    )
    return {"amount": to_money(total), "date": latest.paid_at.date(), "payment_id": latest.payment_id}


def payment_status(account, today=None):
    today = today or date.today()
    open_rows = db.session.execute(
        select(Invoice.balance, Invoice.due_date).where(Invoice.account == account, Invoice.status == OPEN)
    ).all()
    return {
        "last_payment": last_payment(account),
        "outstanding_balance": to_money(sum((row.balance for row in open_rows), ZERO)),
        "payment_due": to_money(sum((row.balance for row in open_rows if row.due_date <= today), ZERO)),
    }


def account_summary(account):
    return {"profile": profile(get_account(account)), "payment_status": payment_status(account)}


def listing_range(start, end, status, history_months):
    """All invoices default to the last `history_months` up to today; open ones to no limit at all, because
    every open invoice is part of the Outstanding Balance. Given dates always apply. None means no limit."""
    if status == OPEN:
        return start, end
    end = end or date.today()
    return start or months_before(end, history_months), end


def list_invoices(account, start=None, end=None, status="all", page=1, per_page=25, history_months=24):
    start, end = listing_range(start, end, status, history_months)
    conditions = [Invoice.account == account]
    if start is not None:
        conditions.append(Invoice.date >= start)
    if end is not None:
        conditions.append(Invoice.date <= end)
    if status == OPEN:
        conditions.append(Invoice.status == OPEN)
    rows = (
        select(Invoice.number, Invoice.date, Invoice.due_date, Invoice.amount, Invoice.balance, Invoice.status)
        .where(*conditions)
        .order_by(Invoice.date.desc(), Invoice.number.desc())
    )
    return paginate(db.session, rows, page, per_page)


def get_invoice(account, number):
    """Another account's invoice answers exactly like one that does not exist."""
    invoice = db.session.get(Invoice, number)
    if invoice is None or invoice.account != account:
        raise NotFound(f"There is no invoice {number} on your account.")
    return invoice


def _charges(number):
    return db.session.scalars(select(Charge).where(Charge.invoice == number).order_by(Charge.id)).all()


def invoice_detail(account, number):
    invoice = get_invoice(account, number)
    charges = _charges(number)
    return {
        **_row(invoice),
        "charges_total": to_money(sum((c.amount for c in charges), ZERO)),
        "tax_total": to_money(sum((c.tax for c in charges), ZERO)),
        "paid_total": invoice.paid_total,
        "adjustment_total": invoice.adjustment_total,
    }


def _row(invoice):
    return {name: getattr(invoice, name) for name in ("number", "date", "due_date", "amount", "balance", "status")}


def invoice_charges(account, number):
    get_invoice(account, number)
    charges = _charges(number)
    subtotal = to_money(sum((c.amount for c in charges), ZERO))
    tax = to_money(sum((c.tax for c in charges), ZERO))
    return {"invoice": number, "items": charges, "subtotal": subtotal, "tax": tax, "total": subtotal + tax}


def applied_payments(number):
    rows = db.session.scalars(
        select(AppliedPayment)
        .where(AppliedPayment.invoice == number, AppliedPayment.reversed_at.is_(None))
        .order_by(AppliedPayment.paid_at, AppliedPayment.id)
    ).all()
    return [
        {
            "payment_id": p.payment_id,
            "date": p.paid_at.date(),
            "amount": p.amount - p.refunded,
            "brand": p.brand,
            "last4": p.last4,
        }
        for p in rows
    ]


def invoice_payments(account, number):
    get_invoice(account, number)
    return {"invoice": number, "items": applied_payments(number)}
