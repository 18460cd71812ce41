"""The gateway's keep-alive clients to each service (built once per process)."""

from flask import current_app

from billpay_common.http import ServiceClient

SERVICES = {
    "auth": "AUTH_SERVICE_URL",
    "invoice": "INVOICE_SERVICE_URL",
    "payment": "PAYMENT_SERVICE_URL",
    "notification": "NOTIFICATION_SERVICE_URL",  # the office console's delivery pages only
}


def init_clients(app):
    timeout = app.config["HTTP_TIMEOUT_SECONDS"]
    app.extensions["billpay_clients"] = {
        name: ServiceClient(app.config[setting], timeout) for name, setting in SERVICES.items()
    }


def service(name) -> ServiceClient:
    return current_app.extensions["billpay_clients"][name]
