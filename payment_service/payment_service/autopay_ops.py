"""The office's view of AutoPay: enrolled accounts, exceptions (suspended), upcoming charges, consent history."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from . import autopay
from .autopay_run import open_invoices_by_account
from .extensions import db
from .models import PaymentProfile
from .ports import InvoiceReservations


def with_consents(account: str) -> dict[str, Any]:
    return {**autopay.state(account), "consents": autopay.consents(account)}


def listed(status: str) -> list[dict[str, Any]]:
    return [autopay.state(enrolment.account) for enrolment in autopay.enrolled(status)]


def upcoming(today: date, days: int, invoices: InvoiceReservations) -> list[dict[str, Any]]:
    """Every open invoice of an account with AutoPay on that falls due within `days` days (or already has)."""
    methods = {}
    for enrolment in autopay.enrolled(autopay.ON):
        profile = db.session.get(PaymentProfile, enrolment.profile_id)
        if profile is not None:
            methods[enrolment.account] = {
                "type": enrolment.method_type,
                "profile_id": profile.id,
                "brand": profile.brand,
                "last4": profile.last4,
            }
    rows = []
    for account, invoices_due in open_invoices_by_account(invoices, list(methods), today + timedelta(days=days)):
        rows.extend(
            {
                "account": account,
                "invoice": invoice["number"],
                "due_date": date.fromisoformat(invoice["due_date"]),
                "amount": Decimal(invoice["balance"]),
                "method": methods[account],
            }
            for invoice in invoices_due
        )
    return sorted(rows, key=lambda row: (row["due_date"], row["account"], row["invoice"]))
