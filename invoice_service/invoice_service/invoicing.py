"""The accounting office's use cases: billing accounts and invoices, created, updated, adjusted, voided."""

from sqlalchemy import delete, select

from billpay_common.errors import Conflict, NotFound, Unprocessable
from billpay_common.money import ZERO

from . import ledger, paperless, records
from .extensions import db
from .models import OPEN, VOID, Adjustment, BillingAccount, Charge, Invoice

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
INVOICE_FIELDS = ("account", "date", "due_date", "amount")
CHARGE_FIELDS = ("description", "period_start", "period_end", "quantity", "unit_price", "amount", "tax")


def _checked(clean, raw, **kwargs):
    try:
        return clean(raw, **kwargs)
    except records.RecordError as error:
        raise Unprocessable(str(error)) from error


def store_account(account):
    """Create or update from a cleaned record; says which. The caller commits."""
    found = db.session.get(BillingAccount, account["system_number"])
    if found is None:
        db.session.add(BillingAccount(**account))
        return CREATED
    if all(getattr(found, name) == value for name, value in account.items()):
        return UNCHANGED
    for name, value in account.items():
        setattr(found, name, value)
    return UPDATED


def charge_rows(number, charges):
    return [{"invoice": number, **{name: charge[name] for name in CHARGE_FIELDS}} for charge in charges]


def store_invoice(invoice):
    """Create or update from a cleaned record (charges replaced); RecordError when it may not change."""
    if db.session.get(BillingAccount, invoice["account"]) is None:
        raise records.RecordError(f"account {invoice['account']} does not exist: add the account first")
    found = db.session.get(Invoice, invoice["number"])
    if found is None:
        new = Invoice(
            number=invoice["number"],
            paid_total=ZERO,
            adjustment_total=ZERO,
            status=OPEN,
            **{name: invoice[name] for name in INVOICE_FIELDS},
        )
        ledger.settle(new)
        db.session.add(new)
        db.session.flush()
        if invoice["charges"]:
            db.session.execute(Charge.__table__.insert(), charge_rows(invoice["number"], invoice["charges"]))
        paperless.stage_new_invoices([new.number])
        return CREATED
    if found.account != invoice["account"]:
        raise records.RecordError(f"invoice {found.number} belongs to another account")
    stored = db.session.scalars(select(Charge).where(Charge.invoice == found.number).order_by(Charge.id)).all()
    if all(getattr(found, name) == invoice[name] for name in INVOICE_FIELDS) and [
        tuple(getattr(c, n) for n in CHARGE_FIELDS) for c in stored
    ] == [tuple(c[n] for n in CHARGE_FIELDS) for c in invoice["charges"]]:
        return UNCHANGED
    if found.status == VOID:
        raise records.RecordError(f"invoice {found.number} is void and cannot change")
    if invoice["amount"] - found.paid_total + found.adjustment_total < ZERO:
        raise records.RecordError(f"invoice {found.number}: the new amount is less than what was paid on it")
    for name in INVOICE_FIELDS:
        setattr(found, name, invoice[name])
    ledger.settle(found)
    db.session.execute(delete(Charge).where(Charge.invoice == found.number))
    if invoice["charges"]:
        db.session.execute(Charge.__table__.insert(), charge_rows(found.number, invoice["charges"]))
    return UPDATED


def create_account(raw):
    account = _checked(records.clean_account, raw)
    if db.session.get(BillingAccount, account["system_number"]) is not None:
        raise Conflict(f"Account {account['system_number']} already exists; update it instead.")
    store_account(account)
    db.session.commit()
    return db.session.get(BillingAccount, account["system_number"])


def update_account(system_number, raw):
    if db.session.get(BillingAccount, system_number) is None:
        raise NotFound(f"There is no billing account {system_number}.")
    store_account(_checked(records.clean_account, {**raw, "system_number": system_number}, partial=True))
    db.session.commit()
    return db.session.get(BillingAccount, system_number)


def create_invoice(raw):
    invoice = _checked(records.clean_invoice, raw)
    if db.session.get(Invoice, invoice["number"]) is not None:
        raise Conflict(f"Invoice {invoice['number']} already exists.")
    try:
        store_invoice(invoice)
    except records.RecordError as error:
        raise Unprocessable(str(error)) from error
    db.session.commit()
    paperless.send_quietly()
    return db.session.get(Invoice, invoice["number"])


def adjust_invoice(number, amount, reason, actor):
    """A signed change to the balance (credit < 0, extra charge > 0), recorded with its reason."""
    invoice = ledger.lock_invoices([number]).get(number)
    if invoice is None:
        raise NotFound(f"There is no invoice {number}.")
    if invoice.status == VOID:
        raise Conflict(f"Invoice {number} is void.")
    if not reason.strip() or amount == ZERO:
        raise Unprocessable("An adjustment needs a non-zero amount and a reason.")
    if invoice.balance + amount < ZERO:
        raise Unprocessable(f"A credit of {-amount} is more than invoice {number}'s balance of {invoice.balance}.")
    db.session.add(Adjustment(invoice=number, amount=amount, reason=reason.strip()[:255], actor=actor[:80]))
    invoice.adjustment_total += amount
    ledger.settle(invoice)
    db.session.commit()
    return invoice


def void_invoice(number, reason, actor):
    invoice = ledger.lock_invoices([number]).get(number)
    if invoice is None:
        raise NotFound(f"There is no invoice {number}.")
    if invoice.status == VOID:
        return invoice
    if invoice.paid_total != ZERO:
        raise Conflict(f"Invoice {number} has payments applied; refund them before voiding it.")
    if ledger.reserved_elsewhere([number], payment_id="").get(number):
        raise Conflict(f"A payment of invoice {number} is in progress; try again in a few minutes.")
    db.session.add(
        Adjustment(invoice=number, amount=-invoice.balance, reason=f"void: {reason}"[:255], actor=actor[:80])
    )
    invoice.adjustment_total -= invoice.balance
    invoice.status = VOID
    ledger.settle(invoice)
    db.session.commit()
    return invoice


def account_invoices(system_number):
    if db.session.get(BillingAccount, system_number) is None:
        raise NotFound(f"There is no billing account {system_number}.")
    invoices = db.session.scalars(
        select(Invoice).where(Invoice.account == system_number).order_by(Invoice.date.desc(), Invoice.number.desc())
    ).all()
    held = ledger.reserved_elsewhere([invoice.number for invoice in invoices])
    return [_with_reserved(invoice, held.get(invoice.number, ZERO)) for invoice in invoices]


def _with_reserved(invoice, reserved):
    invoice.reserved = reserved  # not a column: what payments in flight hold, shown to the office
    return invoice


def open_invoices_due_of(system_numbers, due_by):
    """The accounts' open invoices due by then, each with what live reservations hold of it, oldest due first, in
    two queries: AutoPay's run asks for a batch of enrolled accounts at once instead of making a round trip per
    account. Accounts with nothing open by then (or unknown here) are left out."""
    by_account = {}
    for invoice in _open_due(system_numbers, due_by):
        by_account.setdefault(invoice.account, []).append(invoice)
    return [
        {"account": number, "invoices": by_account[number]}
        for number in dict.fromkeys(system_numbers)
        if number in by_account
    ]


def _open_due(system_numbers, due_by):
    invoices = db.session.scalars(
        select(Invoice)
        .where(Invoice.account.in_(system_numbers), Invoice.status == OPEN, Invoice.due_date <= due_by)
        .order_by(Invoice.due_date, Invoice.number)
    ).all()
    held = ledger.reserved_elsewhere([invoice.number for invoice in invoices])
    return [_with_reserved(invoice, held.get(invoice.number, ZERO)) for invoice in invoices]
