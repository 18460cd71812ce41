"""Calls to invoice_service's internal endpoints with payment_service's own key, per docs/internal-contracts.md."""

import logging

from flask import current_app

from billpay_common.errors import Conflict, DomainError, NotFound
from billpay_common.http import ServiceClient, ServiceUnavailable, UpstreamError, checked
from billpay_common.service_auth import service_headers

log = logging.getLogger(__name__)

__all__ = ["InvoiceClient", "ServiceUnavailable", "invoice_client"]


class InvoiceClient:
    def __init__(self, base_url, service_key, timeout):
        self.http = ServiceClient(base_url, timeout=timeout, headers=service_headers(service_key))

    def _call(self, path, body=None, method="POST"):
        try:
            return (
                checked(
                    self.http.request(method, path, json_body=body),
                    f"invoice_service ({path})",
                    default_message="invoice_service refused the request.",
                    default_code=None,
                ).json()
                or {}
            )
        except UpstreamError as refused:
            raise _domain_error(path, refused) from None

    def reserve(self, payment_id, account, allocations):
        return self._call(
            "/internal/reservations",
            {
                "payment_id": payment_id,
                "account": account,
                "allocations": [{"invoice": invoice, "amount": str(amount)} for invoice, amount in allocations],
            },
        )

    def confirm(self, payment_id, paid_at, brand, last4):
        return self._call(
            f"/internal/reservations/{payment_id}/confirm",
            {"paid_at": paid_at.isoformat() + "Z", "brand": brand, "last4": last4},
        )

    def release(self, payment_id):
        return self._call(f"/internal/reservations/{payment_id}/release", {})

    def reverse(self, payment_id):
        return self._call(f"/internal/payments/{payment_id}/reverse", {})

    def refund_part(self, payment_id, refunded_by_invoice):
        """Part of an applied payment was refunded: how much of each invoice's amount is refunded so far."""
        allocations = [{"invoice": invoice, "refunded": str(amount)} for invoice, amount in refunded_by_invoice.items()]
        return self._call(f"/internal/payments/{payment_id}/refunds", {"allocations": allocations})

    def open_invoices_of(self, accounts, due_by):
        """The accounts' open invoices due on or before `due_by` (number, due_date, balance, reserved), in one call:
        {account: rows}; an account with none is left out."""
        body = {"accounts": list(accounts), "due_by": due_by.isoformat()}
        answer = self._call("/internal/open-invoices", body)
        return {entry["account"]: entry["invoices"] for entry in answer["accounts"]}

    def account(self, account):
        return self._call(f"/internal/accounts/{account}", method="GET")


def _domain_error(path, refused):
    if refused.status == 404:
        return NotFound(refused.message, code=refused.code)
    if refused.status == 409:
        return Conflict(refused.message, code=refused.code)
    log.error("invoice_service refused %s with %s %s", path, refused.status, refused.code)
    return DomainError(refused.message, code=refused.code or "invoice_refused", status=refused.status)


def invoice_client():
    config = current_app.config
    return InvoiceClient(config["INVOICE_SERVICE_URL"], config["PAYMENT_SERVICE_KEY"], config["HTTP_TIMEOUT_SECONDS"])
