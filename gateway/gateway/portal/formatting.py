"""How the portal writes money and dates, and reads the dates a subscriber types. Pure: no Flask, no I/O."""

from datetime import date

from billpay_common.dates import months_before
from billpay_common.money import display_money

HISTORY_MONTHS = 24


def money(value):
    """'215.95' or Decimal('215.95') -> '$215.95'; negative amounts as '-$5.00'; nothing -> ''."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    try:
        return display_money(value)
    except (ArithmeticError, ValueError, TypeError):  # not a number: shown as it came
        return str(value)


def plain_money(value):
    """'1234.5' -> '1,234.50' (for table cells, as in the guide)."""
    text = money(value)
    return text.replace("$", "") if text else ""


def parse_date(text):
    """'2016-02-15' -> date(2016, 2, 15); anything else -> None."""
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def short_date(value):
    """An ISO date (or datetime) string or a date -> '02/15/2016'; nothing -> ''."""
    if not value:
        return ""
    if isinstance(value, str):
        parsed = parse_date(value[:10])
        if parsed is None:
            return value
        value = parsed
    return f"{value.month:02d}/{value.day:02d}/{value.year}"


def default_range(today):
    """View Invoices' default: the last 24 months, up to today."""
    return months_before(today, HISTORY_MONTHS), today


def date_range(start_text, end_text, today, open_only=False):
    """(start, end, errors) from the View Invoices form; a blank field takes its default: the last 24 months for
    all invoices, no limit (None) for open ones, which make up the Outstanding Balance however old they are."""
    default_start, default_end = (None, None) if open_only else default_range(today)
    errors = {}
    start = parse_date(start_text) if start_text else default_start
    end = parse_date(end_text) if end_text else default_end
    if start_text and start is None:
        errors["start"], start = "Enter the Start Date as a date, such as 2016-01-31.", default_start
    if end_text and end is None:
        errors["end"], end = "Enter the End Date as a date, such as 2016-12-31.", default_end
    if not errors and start and end and start > end:
        errors["start"] = "The Start Date must be on or before the End Date."
    return start, end, errors


def address_lines(address):
    """The account's address as the lines a letter would show."""
    address = address or {}
    city_line = " ".join(
        part
        for part in (", ".join(p for p in (address.get("city"), address.get("state")) if p), address.get("zip"))
        if part
    )
    return [line for line in (address.get("line1"), address.get("line2"), city_line) if line]


def status_words(payment):
    """A payment's status as Payment History shows it: a bank debit not settled yet is Processing."""
    if payment.get("status") == "pending" and payment.get("kind") == "us_bank_account":
        return "Processing"
    return str(payment.get("status", "")).replace("_", " ").capitalize()


def method_name(profile):
    """A saved method as a person knows it: "Visa", or a bank account's "STRIPE TEST BANK checking" (the bank's
    name when the processor knows it, where payment_service's brand may be only "Checking account")."""
    if profile.get("kind") == "us_bank_account" and profile.get("bank_name") and profile.get("account_type"):
        return f"{profile['bank_name']} {profile['account_type']}"
    return profile.get("brand") or ""
