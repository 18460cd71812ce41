"""Helpers of notification_service's tests (not fixtures): jobs, an SMTP server, waiting."""

import email
import threading
from contextlib import contextmanager
from email import policy
from pathlib import Path

from aiosmtpd.controller import Controller

from billpay_common.queue import EmailJob
from devtools.ports import free_port
from notification_service.extensions import db
from notification_service.models import Delivery
from notification_service.smtp import SmtpTransport
from notification_service.worker import Worker

REPO = Path(__file__).resolve().parents[2]


class Inbox:
    """An aiosmtpd handler that keeps every message and refuses the recipients it is told to."""

    def __init__(self):
        self.messages = []
        self.refuse = {}  # address -> SMTP reply such as "550 5.1.1 No such user"
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address):
        with self.lock:
            return [message for message in self.messages if message["To"] == address]

    def to_domain(self, domain):
        with self.lock:
            return [message for message in self.messages if message["To"].endswith("@" + domain)]


@contextmanager
def smtp_server(port=None):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()


def make_worker(app, stream, smtp_url=None):
    return Worker(app.config, stream, SmtpTransport(smtp_url or app.config["SMTP_URL"], 5.0))


@contextmanager
def running_worker(app, stream, smtp_url=None):
    """An in-process worker on a thread, stopped (finishing its job in hand) on exit."""
    worker = make_worker(app, stream, smtp_url)

    def run():
        with app.app_context():
            worker.run()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield worker
    finally:
        worker.stop()
        thread.join(timeout=10)


def status_of(app, event_id):
    """The delivery log's status of the event, None before a worker has seen it."""
    with app.app_context():
        delivery = db.session.get(Delivery, event_id)
        return delivery.status if delivery else None


def receipt_job(to, account="99939999", **overrides):
    data = {
        "payment_id": "P-1001",
        "date": "2016-02-15",
        "total": "215.95",
        "allocations": [{"invoice": "528132", "amount": "108.00"}, {"invoice": "528131", "amount": "107.95"}],
        "card": {"brand": "Visa", "last4": "1111"},
        "account": account,
        "account_name": "Jones, Michael *Test Account*",
    }
    data.update(overrides)
    return EmailJob(type="payment.receipt", to=to, account=account, data=data)
