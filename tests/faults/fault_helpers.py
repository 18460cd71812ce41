"""The fault tests' own stack (private Redis, proxies in front of invoice_service and its database) and the
things a test does as a subscriber or as the office: accounts, invoices, payments, e-mails, sandbox charges."""

import email
import email.policy
import os
import socket
import threading
import uuid
from datetime import date

from sqlalchemy.engine import make_url
from tcp_proxy import TcpProxy

from devtools.api_client import ApiClient
from devtools.ports import free_port
from devtools.stack import SANDBOX, WEB_SERVICES, Stack
from devtools.testing import unique_account
from tests.support.cards import VISA, token
from tests.support.databases import drop_databases, fresh_postgres_databases
from tests.support.sandbox import SECRET_KEY as SANDBOX_SECRET_KEY

# Short intervals so that a claim, a retry or a reconciliation happens in a second, not in minutes.
FAST = {
    "CLAIM_IDLE_SECONDS": "2",
    "RETRY_DELAYS_SECONDS": "1,1,1",
    "WORKER_BLOCK_MS": "200",
    "WORKER_INTERVAL_SECONDS": "0.3",
    "RECONCILE_AFTER_SECONDS": "1",
    "STALE_PROCESSING_SECONDS": "5",
    "SMTP_TIMEOUT_SECONDS": "3",
    "HTTP_TIMEOUT_SECONDS": "5",
}


class SilentSmtp:
    """A port that accepts SMTP connections and never answers them: a worker sending there has claimed its job
    and then waits mid-send, where a test can kill it."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", free_port()))  # never a port handed to a service
        self.url = f"smtp://127.0.0.1:{self.listener.getsockname()[1]}"
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.held.append(self.listener.accept()[0])
            except OSError:
                return

    def close(self):
        for sock in [self.listener, *self.held]:
            sock.close()


class FaultStack:
    """The whole stack on free ports with its own Redis (never the machine's: tests stop it), its own databases,
    a proxy between every caller and invoice_service, and invoice_service's database behind a cuttable link."""

    def __init__(self, var_dir):
        self.var_dir = var_dir
        environ = {
            key: value
            for key, value in os.environ.items()
            if not key.endswith("_DATABASE_URL") and key not in ("REDIS_URL", "SMTP_URL")
        }
        databases, self.created_databases = fresh_postgres_databases("faults")
        self.db_proxy = None
        invoice_db = databases.get("INVOICE_SERVICE_DATABASE_URL")
        if invoice_db:
            url = make_url(invoice_db)
            self.db_proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
            databases["INVOICE_SERVICE_DATABASE_URL"] = url.set(
                host="127.0.0.1", port=self.db_proxy.port
            ).render_as_string(hide_password=False)
        else:  # a folder of its own, so that the test can take it away (see test_database_down.py)
            self.invoice_db_dir = var_dir / "invoice_db"
            self.invoice_db_dir.mkdir()
            databases["INVOICE_SERVICE_DATABASE_URL"] = f"sqlite:///{self.invoice_db_dir}/invoice_service.db"
        environ.update(databases)
        environ.update(
            FAST,
            REDIS_KEY_PREFIX=f"faults-{uuid.uuid4().hex[:8]}:",
            ARGON2_TIME_COST="1",
            ARGON2_MEMORY_COST="1024",
            ARGON2_PARALLELISM="1",
            LOG_LEVEL="INFO",
        )
        self.stack = Stack(
            var_dir,
            ports={service: free_port() for service in (*WEB_SERVICES, SANDBOX)},
            environ=environ,
            log_dir=var_dir / "logs",
            web_concurrency=1,
            mail_port=free_port(),
        )
        self.invoice_proxy = None

    def start(self):
        self.stack.prepare()
        assert self.stack.redis is not None, "the fault stack must run its own Redis"
        self.invoice_proxy = TcpProxy("127.0.0.1", self.stack.ports["invoice_service"])
        self.stack.env["INVOICE_SERVICE_URL"] = f"http://127.0.0.1:{self.invoice_proxy.port}"
        self.stack.start()
        return self

    def stop(self):
        try:
            self.stack.stop()
        finally:
            for proxy in (self.invoice_proxy, self.db_proxy):
                if proxy is not None:
                    proxy.close()
            drop_databases(self.created_databases)

    # -- processes -------------------------------------------------------------------
    def start_worker(self, worker, index, **extra_env):
        """A worker process with extra environment (e.g. an SMTP_URL of its own)."""
        saved = self.stack.env
        self.stack.env = dict(saved, **{key: str(value) for key, value in extra_env.items()})
        try:
            return self.stack.start_worker(worker, index)
        finally:
            self.stack.env = saved

    def restart_service(self, service):
        self.stack.stop_process(service)
        self.stack.start_service(service)
        self.stack.wait_healthy(service)

    # -- callers ---------------------------------------------------------------------
    @property
    def gateway(self):
        return ApiClient(self.stack.url("gateway"))

    def ops(self, service):
        return ApiClient(self.stack.url(service), self.stack.staff_headers())

    def new_subscriber(self, *amounts):
        """A portal user with a billing account and one open invoice per amount; logged in through the gateway."""
        account, passcode = unique_account(), "fault-passcode"
        granted = self.ops("auth_service").post(
            "/ops/access",
            {"account": account, "email": f"{account}@example.com", "name": "Faye Tester", "passcode": passcode},
        )
        assert granted.status == 201, granted.data
        created = self.ops("invoice_service").post(
            "/ops/accounts", {"system_number": account, "name": "Tester, Faye", "email": f"{account}@example.com"}
        )
        assert created.status == 201, created.data
        invoices = []
        for position, amount in enumerate(amounts):
            number = f"F{account}{position}"
            today = date.today().isoformat()
            response = self.ops("invoice_service").post(
                "/ops/invoices",
                {"number": number, "account": account, "date": today, "due_date": today, "amount": amount},
            )
            assert response.status == 201, response.data
            invoices.append(number)
        login = self.gateway.post("/api/auth/login", {"username": account, "password": passcode})
        assert login.status == 200, login.data
        return Subscriber(self, account, passcode, login.json_body["access_token"], invoices)

    # -- what came out ---------------------------------------------------------------
    def receipts(self, to, payment_id):
        """The .eml files the SMTP sink holds for this recipient that name this payment."""
        found = []
        for path in sorted(self.stack.mail_dir.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["To"] != to:
                continue
            bodies = [part.get_content() for part in message.walk() if part.get_content_type() == "text/plain"]
            if any(payment_id in body for body in bodies):
                found.append(message)
        return found

    def deliveries(self, account):
        response = self.ops("notification_service").get(f"/ops/deliveries?account={account}")
        assert response.status == 200, response.data
        return response.json_body

    def payments_of(self, account):
        response = self.ops("payment_service").get(f"/ops/payments?account={account}&per_page=100")
        assert response.status == 200, response.data
        return response.json_body["items"]

    def sandbox_charges(self, account_payments):
        """The sandbox processor's own ledger, asked over its API for these payment ids: what was really charged."""
        sandbox = ApiClient(self.stack.url("sandbox_processor"), {"Authorization": f"Bearer {SANDBOX_SECRET_KEY}"})
        found = [sandbox.get(f"/v1/charges/{payment['id']}") for payment in account_payments]
        assert all(answer.status in (200, 404) for answer in found), [answer.status for answer in found]
        return [
            {key: answer.json_body[key] for key in ("reference", "status", "amount")}
            for answer in found
            if answer.status == 200
        ]


class Subscriber:
    def __init__(self, faults, account, passcode, token, invoices):
        self.faults, self.account, self.passcode, self.token, self.invoices = faults, account, passcode, token, invoices
        self.email = f"receipt-{uuid.uuid4().hex[:10]}@example.com"

    @property
    def bearer(self):
        return {"Authorization": f"Bearer {self.token}"}

    def pay(self, allocations, number=VISA, key=None):
        """POST /api/payments through the gateway; allocations: [(invoice, "amount")]."""
        body = {
            "allocations": [{"invoice": invoice, "amount": amount} for invoice, amount in allocations],
            "payment_method": token(self.faults.stack.url("sandbox_processor"), number),
            "receipt_email": self.email,
        }
        return self.faults.gateway.post(
            "/api/payments", body, headers={**self.bearer, "Idempotency-Key": key or uuid.uuid4().hex}
        )

    def invoice(self, number):
        response = self.faults.gateway.get(f"/api/invoices/{number}", headers=self.bearer)
        assert response.status == 200, response.data
        return response.json_body

    def balance(self, number):
        return self.invoice(number)["balance"]

    def payment(self, payment_id):
        response = self.faults.gateway.get(f"/api/payments/{payment_id}", headers=self.bearer)
        assert response.status == 200, response.data
        return response.json_body
