import email
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from email import policy
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from flask_migrate import upgrade

from billpay_common.queue import EmailJob, publish
from devtools.testing import database_url, unique_prefix
from notification_service import create_app
from notification_service.config import Config
from notification_service.extensions import db
from notification_service.models import Delivery
from notification_service.smtp import SmtpTransport
from notification_service.stream import EmailStream
from notification_service.worker import Worker

OPS_KEY = "ops-key-for-tests"
REPO = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, timeout=15.0, what="condition"):
    """Poll until predicate() is truthy; returns its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


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


@pytest.fixture(scope="session")
def smtp():
    with smtp_server() as (inbox, url):
        yield inbox, url


@pytest.fixture(scope="session")
def inbox(smtp):
    return smtp[0]


@pytest.fixture(scope="session")
def app(redis_url, smtp, tmp_path_factory):
    class TestConfig(Config):
        TESTING = True
        SQLALCHEMY_DATABASE_URI = database_url("notification_service", tmp_path_factory.mktemp("notification"))
        REDIS_URL = redis_url
        REDIS_KEY_PREFIX = unique_prefix()
        OPS_API_KEY = OPS_KEY
        SMTP_URL = smtp[1]
        SMTP_TIMEOUT_SECONDS = 5.0
        MAIL_FROM = "billing@dss.example"
        RETRY_DELAYS_SECONDS = (0.1, 0.2)
        CLAIM_IDLE_SECONDS = 1.0
        WORKER_BLOCK_MS = 100

    app = create_app(TestConfig)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()  # close the pooled connections before the interpreter collects them


@pytest.fixture
def stream(app):
    """A stream of this test's own, so jobs left behind by one test never reach another."""
    prefix = unique_prefix()
    own = EmailStream(redis.Redis.from_url(app.config["REDIS_URL"]), prefix)
    own.prefix = prefix
    previous = app.extensions["email_stream"]
    app.extensions["email_stream"] = own
    yield own
    app.extensions["email_stream"] = previous


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ops():
    return {"X-Ops-Key": OPS_KEY, "X-Ops-Actor": "tester"}


@pytest.fixture
def send(app, stream):
    def send_job(job):
        publish(stream.client, stream.prefix, job)
        return job

    return send_job


def make_worker(app, stream, smtp_url=None):
    return Worker(app.config, stream, SmtpTransport(smtp_url or app.config["SMTP_URL"], 5.0))


@pytest.fixture
def drain(app, stream):
    """Run an in-process worker until nothing is waiting."""

    def run(smtp_url=None):
        with app.app_context():
            make_worker(app, stream, smtp_url).run(burst=True)

    return run


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


@pytest.fixture
def spawn_worker(app, stream):
    """Start `flask --app notification_service worker` as a real process on this test's stream."""
    started = []

    def spawn(**extra_env):
        env = {**os.environ, "PYTHONPATH": f"{REPO}:{REPO / 'notification_service'}",
               "NOTIFICATION_SERVICE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
               "REDIS_URL": app.config["REDIS_URL"], "REDIS_KEY_PREFIX": stream.prefix,
               "SMTP_URL": app.config["SMTP_URL"], "RETRY_DELAYS_SECONDS": "0.1,0.2",
               "CLAIM_IDLE_SECONDS": "1", "WORKER_BLOCK_MS": "100", "LOG_LEVEL": "WARNING",
               **{name: str(value) for name, value in extra_env.items()}}
        process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "notification_service", "worker"],
                                   env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started.append(process)
        return process

    yield spawn
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        process.stderr.close()


def status_of(app, event_id):
    """The delivery log's status of the event, None before a worker has seen it."""
    with app.app_context():
        delivery = db.session.get(Delivery, event_id)
        return delivery.status if delivery else None


def receipt_job(to, account="99939999", **overrides):
    data = {"payment_id": "P-1001", "date": "2016-02-15", "total": "215.95",
            "allocations": [{"invoice": "528132", "amount": "108.00"}, {"invoice": "528131", "amount": "107.95"}],
            "card": {"brand": "Visa", "last4": "1111"}, "account": account,
            "account_name": "Jones, Michael *Test Account*"}
    data.update(overrides)
    return EmailJob(type="payment.receipt", to=to, account=account, data=data)
