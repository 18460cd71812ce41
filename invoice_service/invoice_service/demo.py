"""The user guide's test account, seeded so a newcomer can log in and see the guide's Billing page."""

from datetime import date, datetime
from decimal import Decimal

from billpay_common.errors import Conflict

from . import invoicing, records, reservations
from .extensions import db

ACCOUNT = {
    "system_number": "99939999",
    "name": "Jones, Michael *Test Account*",
    "line1": "123 Main Street",
    "line2": "",
    "city": "Syracuse",
    "state": "NY",
    "zip": "13204",
    "account_type": "Residential",
    "status": "Active",
    "comm_type": "Digital",
    "online_date": date(2013, 6, 5),
    "phone": "8253",
    "email": "michael.jones@example.com",
}


def _invoice(number, day, due, charges):
    return {
        "number": number,
        "account": ACCOUNT["system_number"],
        "date": day,
        "due_date": due,
        "amount": sum((Decimal(c["unit_price"]) + Decimal(c["tax"]) for c in charges), Decimal("0")),
        "charges": charges,
    }


def _monitoring(start, end, price="100.00", tax="8.00", description="Central station monitoring"):
    return {
        "description": description,
        "period_start": start,
        "period_end": end,
        "quantity": 1,
        "unit_price": price,
        "tax": tax,
    }


OPEN_INVOICES = [
    _invoice("528132", date(2016, 2, 15), date(2016, 3, 15), [_monitoring(date(2016, 3, 1), date(2016, 3, 31))]),
    _invoice(
        "528131",
        date(2016, 2, 15),
        date(2016, 3, 15),
        [_monitoring(date(2016, 3, 1), date(2016, 3, 31), "99.95", "8.00", "Cellular communicator service")],
    ),
]
PAID_INVOICES = [  # (invoice, payment id, paid at)
    (
        _invoice(
            "519870", date(2015, 11, 15), date(2015, 12, 15), [_monitoring(date(2015, 12, 1), date(2015, 12, 31))]
        ),
        "demo-payment-2015-12",
        datetime(2015, 12, 10, 15, 30),
    ),
    (
        _invoice("524001", date(2015, 12, 15), date(2016, 1, 15), [_monitoring(date(2016, 1, 1), date(2016, 1, 31))]),
        "demo-payment-2016-01",
        datetime(2016, 1, 12, 9, 5),
    ),
]


def seed():
    """Idempotent: the account and invoices are upserted, old payments applied once."""
    invoicing.store_account(records.clean_account(ACCOUNT))
    db.session.commit()
    for invoice in OPEN_INVOICES + [paid for paid, _, _ in PAID_INVOICES]:
        invoicing.store_invoice(records.clean_invoice(invoice))
        db.session.commit()
    for invoice, payment_id, paid_at in PAID_INVOICES:
        allocation = [{"invoice": invoice["number"], "amount": invoice["amount"]}]
        try:
            reservations.reserve(payment_id, ACCOUNT["system_number"], allocation, ttl_seconds=300)
            reservations.confirm(payment_id, paid_at, "Visa", "1111")
        except Conflict:
            db.session.rollback()  # refunded or changed by the office since: leave it as they made it
