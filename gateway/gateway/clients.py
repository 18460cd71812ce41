"""The gateway's keep-alive clients to each service (built once per process)."""

from flask import current_app

from billpay_common.http import ServiceClient, ServiceUnavailable

from .slot_queue import SlotQueue

SERVICES = {
    "auth": "AUTH_SERVICE_URL",
    "invoice": "INVOICE_SERVICE_URL",
    "payment": "PAYMENT_SERVICE_URL",
    "notification": "NOTIFICATION_SERVICE_URL",  # the office console's delivery pages only
}


class PaymentSlots(ServiceClient):
    """payment_service's client with a budget: at most `slots` payments (POST /payments) from this process at
    once. Each one waits 300-800 ms on the processor; without a budget a rush of them takes every thread
    payment_service has and the pages' calls there (saved cards, AutoPay) queue behind it. Payments waiting for a
    slot get one in the order they came. A payment that finds no slot within the timeout was never sent:
    ServiceUnavailable, nothing charged."""

    def __init__(self, base_url, timeout, slots, wait_seconds=None):
        super().__init__(base_url, timeout)
        self.slots = SlotQueue(slots) if slots else None
        self.wait_seconds = timeout if wait_seconds is None else wait_seconds

    def request(self, method, path, json_body=None, headers=None, body=None):
        if self.slots is None or method != "POST" or path.partition("?")[0] != "/payments":
            return super().request(method, path, json_body=json_body, headers=headers, body=body)
        if not self.slots.acquire(timeout=self.wait_seconds):
            raise ServiceUnavailable("every payment slot of this gateway process stayed taken")
        try:
            return super().request(method, path, json_body=json_body, headers=headers, body=body)
        finally:
            self.slots.release()


def init_clients(app):
    timeout = app.config["HTTP_TIMEOUT_SECONDS"]
    clients = {name: ServiceClient(app.config[setting], timeout) for name, setting in SERVICES.items()}
    clients["payment"] = PaymentSlots(
        app.config["PAYMENT_SERVICE_URL"],
        timeout,
        app.config["GATEWAY_PAYMENT_SLOTS"],
        app.config["GATEWAY_PAYMENT_SLOT_WAIT_SECONDS"],
    )
    app.extensions["billpay_clients"] = clients


def service(name) -> ServiceClient:
    return current_app.extensions["billpay_clients"][name]
