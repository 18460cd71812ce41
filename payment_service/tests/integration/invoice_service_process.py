"""The real invoice_service under gunicorn for payment_service's suite, on a free port with a database of its own,
and the real auth_service its office calls sign in at.

Invoices are added and read back through its ops API, as the accounting office does; `down()` and `up()` stop the
process and start it again on the same port."""

import os
from datetime import date
from decimal import Decimal

from devtools.api_client import ApiClient
from devtools.ports import free_port
from devtools.stack import Stack
from tests.support.databases import drop_databases, fresh_postgres_databases
from tests.support.service_apps import INVOICE_SERVICE_CALLERS, unique_prefix

SERVICE = "invoice_service"
AUTH = "auth_service"  # signs the staff token of the office's calls, as in production


class InvoiceServiceProcess:
    def __init__(self, var_dir, redis_url):
        environ = {key: value for key, value in os.environ.items() if not key.endswith("_DATABASE_URL")}
        databases, self.created_databases = fresh_postgres_databases("payment_suite", [AUTH, SERVICE])
        environ.update(
            databases,
            REDIS_URL=redis_url,
            REDIS_KEY_PREFIX=unique_prefix(),
            INVOICE_SERVICE_CALLERS=INVOICE_SERVICE_CALLERS,
            ARGON2_TIME_COST="1",
            ARGON2_MEMORY_COST="1024",
            ARGON2_PARALLELISM="1",
            SMTP_URL="smtp://127.0.0.1:9",
            LOG_LEVEL="WARNING",
        )
        self.stack = Stack(
            var_dir,
            ports={SERVICE: free_port(), AUTH: free_port()},
            environ=environ,
            services=[AUTH, SERVICE],
            log_dir=var_dir / "logs",
            web_concurrency=1,
        )
        self.owners = {}  # invoice number -> account, to find an invoice in its account's listing

    @property
    def url(self):
        return self.stack.url(SERVICE)

    @property
    def ops(self):
        """The office, as the stack's demo staff member signed in at its auth_service."""
        return ApiClient(self.url, self.stack.staff_headers())

    def start(self):
        self.stack.prepare()
        self.stack.start_service(AUTH)
        self.stack.wait_healthy(AUTH)
        return self.up()

    def stop(self):
        try:
            self.stack.stop()
        finally:
            drop_databases(self.created_databases)

    def up(self):
        self.stack.start_service(SERVICE)
        self.stack.wait_healthy(SERVICE)
        return self

    def down(self):
        self.stack.stop_process(SERVICE)

    def add_invoice(
        self, account, number, balance, email="subscriber@example.com", name="Jones, Michael", due_date=None
    ):
        created = self.ops.post("/ops/accounts", {"system_number": account, "name": name, "email": email})
        assert created.status in (201, 409), created.json_body  # 409: the account has an invoice already
        due = due_date or date.today()
        invoice = self.ops.post(
            "/ops/invoices",
            {
                "number": number,
                "account": account,
                "date": min(due, date.today()).isoformat(),
                "due_date": due.isoformat(),
                "amount": balance,
            },
        )
        assert invoice.status == 201, invoice.json_body
        self.owners[number] = account

    def balance(self, number):
        return Decimal(self._listed(number)["balance"])

    def held(self, number):
        """What live reservations hold on the invoice."""
        return Decimal(self._listed(number)["reserved"])

    def _listed(self, number):
        listing = self.ops.get(f"/ops/accounts/{self.owners[number]}/invoices")
        assert listing.status == 200, listing.json_body
        [row] = [row for row in listing.json_body if row["number"] == number]
        return row
