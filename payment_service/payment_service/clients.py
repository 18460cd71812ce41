"""Calls to invoice_service's internal endpoints (X-Service-Key), per docs/internal-contracts.md."""
import logging

from flask import current_app

from billpay_common.errors import Conflict, DomainError, NotFound
from billpay_common.http import ServiceClient, ServiceUnavailable

log = logging.getLogger(__name__)

__all__ = ["InvoiceClient", "ServiceUnavailable", "invoice_client"]


class InvoiceClient:
    def __init__(self, base_url, service_key, timeout):
        self.http = ServiceClient(base_url, timeout=timeout, headers={"X-Service-Key": service_key})

    def _call(self, path, body=None, method="POST"):
        response = self.http.request(method, path, json_body=body)
        if response.ok:
            return response.json() or {}
        if response.status >= 500:
            raise ServiceUnavailable(f"invoice_service answered {response.status} to {path}")
        error = ((response.json() or {}) if response.data else {}).get("error") or {}
        code, message = error.get("code"), error.get("message") or "invoice_service refused the request."
        if response.status == 404:
            raise NotFound(message, code=code or "not_found")
        if response.status == 409:
            raise Conflict(message, code=code or "conflict")
        log.error("invoice_service refused %s with %s %s", path, response.status, code)
        raise DomainError(message, code=code or "invoice_refused", status=response.status)

    def reserve(self, payment_id, account, allocations):
        return self._call("/internal/reservations", {
            "payment_id": payment_id, "account": account,
            "allocations": [{"invoice": invoice, "amount": str(amount)} for invoice, amount in allocations]})

    def confirm(self, payment_id, paid_at, brand, last4):
        return self._call(f"/internal/reservations/{payment_id}/confirm",
                          {"paid_at": paid_at.isoformat() + "Z", "brand": brand, "last4": last4})

    def release(self, payment_id):
        return self._call(f"/internal/reservations/{payment_id}/release", {})

    def reverse(self, payment_id):
        return self._call(f"/internal/payments/{payment_id}/reverse", {})

    def account(self, account):
        return self._call(f"/internal/accounts/{account}", method="GET")


def invoice_client():
    config = current_app.config
    return InvoiceClient(config["INVOICE_SERVICE_URL"], config["SERVICE_API_KEY"], config["HTTP_TIMEOUT_SECONDS"])
