"""The rules an account or invoice must meet, whether it comes from a file, the ops API or the CLI. Pure."""

import re
from datetime import date
from decimal import Decimal

from billpay_common.money import ZERO, MoneyError, parse_money, to_money

NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$")
ACCOUNT_FIELDS = {
    "name": 120,
    "line1": 120,
    "line2": 120,
    "city": 80,
    "state": 20,
    "zip": 12,
    "account_type": 40,
    "status": 20,
    "comm_type": 20,
    "phone": 40,
    "email": 254,
}
ACCOUNT_DEFAULTS = {"account_type": "Residential", "status": "Active", "comm_type": "Digital"}
MAX_AMOUNT = Decimal("9999999999.99")


class RecordError(ValueError):
    """Why a record cannot be stored, in words the person who made the file can act on."""


def _text(raw, name, limit, required=False):
    value = raw.get(name)
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise RecordError(f"{name} is required")
    if len(value) > limit:
        raise RecordError(f"{name} is longer than {limit} characters")
    return value


def _number(raw, name):
    value = _text(raw, name, 20, required=True)
    if not NUMBER.match(value):
        raise RecordError(f"{name} {value!r} may hold only letters, digits and dashes")
    return value


def _date(raw, name, required=True):
    value = raw.get(name)
    if isinstance(value, date):
        return value
    if value in (None, ""):
        if required:
            raise RecordError(f"{name} is required")
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise RecordError(f"{name} {value!r} is not a date such as 2016-02-15") from None


def _money(raw, name, default=None, signed=False):
    value = raw.get(name)
    if value in (None, ""):
        if default is None:
            raise RecordError(f"{name} is required")
        return default
    if isinstance(value, (float, bool)):
        raise RecordError(f"{name} must be written as a string or an exact number such as 12.34")
    try:
        amount = parse_money(value)
    except MoneyError as error:
        shape = "such as 12.34" if error.reason == "invalid" else "with at most two decimals"
        raise RecordError(f"{name} {value!r} is not an amount {shape}") from None
    if abs(amount) > MAX_AMOUNT:
        raise RecordError(f"{name} {value!r} is not an amount with at most two decimals")
    if amount < 0 and not signed:
        raise RecordError(f"{name} must not be negative")
    return amount


def clean_account(raw, partial=False):
    """A dict of BillingAccount columns; with partial=True only the fields present in raw."""
    account = {"system_number": _number(raw, "system_number")}
    for name, limit in ACCOUNT_FIELDS.items():
        if partial and name not in raw:
            continue
        account[name] = _text(raw, name, limit, required=name == "name") or ACCOUNT_DEFAULTS.get(name, "")
    if not partial or "online_date" in raw:
        account["online_date"] = _date(raw, "online_date", required=False)
    if account.get("email") and "@" not in account["email"]:
        raise RecordError(f"email {account['email']!r} is not an e-mail address")
    return account


def clean_charge(raw):
    quantity = raw.get("quantity")
    try:
        quantity = 1 if quantity in (None, "") else int(str(quantity).strip())
    except ValueError:
        raise RecordError(f"quantity {quantity!r} is not a whole number") from None
    if not 1 <= quantity <= 100000:
        raise RecordError("quantity must be between 1 and 100000")
    charge = {
        "description": _text(raw, "description", 200, required=True),
        "period_start": _date(raw, "period_start", required=False),
        "period_end": _date(raw, "period_end", required=False),
        "quantity": quantity,
        "unit_price": _money(raw, "unit_price", signed=True),
        "tax": _money(raw, "tax", default=ZERO),
    }
    if charge["period_start"] and charge["period_end"] and charge["period_end"] < charge["period_start"]:
        raise RecordError("period_end is before period_start")
    charge["amount"] = to_money(charge["unit_price"] * quantity)
    return charge


def clean_invoice(raw):
    invoice = clean_invoice_header(raw)
    invoice["charges"] = [clean_charge(charge) for charge in raw.get("charges") or []]
    check_total(invoice)
    return invoice


def clean_invoice_header(raw):
    invoice = {
        "number": _number(raw, "number"),
        "account": _number(raw, "account"),
        "date": _date(raw, "date"),
        "due_date": _date(raw, "due_date"),
        "amount": _money(raw, "amount"),
        "charges": [],
    }
    if invoice["due_date"] < invoice["date"]:
        raise RecordError(f"invoice {invoice['number']}: due_date is before the invoice date")
    return invoice


def check_total(invoice):
    """The charges, when listed, must add up (with their tax) to the invoice amount."""
    if invoice["charges"]:
        total = sum((c["amount"] + c["tax"] for c in invoice["charges"]), ZERO)
        if total != invoice["amount"]:
            raise RecordError(
                f"invoice {invoice['number']}: its charges and tax add up to {total}, "
                f"not to its amount {invoice['amount']}"
            )
