"""invoice_service loses its database: /readyz says so, its API answers 503 JSON, the portal shows a friendly page,
and once the database is back nothing is half-written.

How the outage is made, per backend:
- PostgreSQL: the shared server must not stop, so invoice_service reaches it through a TCP proxy in this process
  (tcp_proxy.TcpProxy); cutting it drops every pooled connection and refuses new ones, which is exactly what
  the service sees when its database server goes away.
- SQLite: an open SQLite connection keeps working on the file's inode whatever happens to the path (and
  `SELECT 1` reads no file at all), so moving the file under a running service is no outage. What a lost database
  looks like to SQLite is a file it cannot open: the service's database lives in a folder of its own; the test
  moves that folder away and restarts the service, whose new connections then fail with "unable to open database
  file". Moving the folder back ends the outage without another restart (failed connections are not pooled).
(Permissions are no tool here: the tests run as root, which ignores them.)
"""

import uuid
from datetime import date

import pytest

from devtools.api_client import ApiClient
from devtools.portal_browser import PortalBrowser
from tests.support.waiting import wait_for


class DatabaseOutage:
    def __init__(self, faults):
        self.faults = faults
        self.away = None

    def begin(self):
        if self.faults.db_proxy is not None:
            self.faults.db_proxy.cut()
            return
        stack, folder = self.faults.stack, self.faults.invoice_db_dir
        stack.stop_process("invoice_service")
        self.away = folder.with_name(folder.name + ".away")
        folder.rename(self.away)
        stack.start_service("invoice_service")
        stack.wait_healthy("invoice_service")

    def end(self):
        if self.faults.db_proxy is not None:
            self.faults.db_proxy.restore()
        elif self.away is not None and self.away.exists():
            self.away.rename(self.faults.invoice_db_dir)
        invoice_service = ApiClient(self.faults.stack.url("invoice_service"))
        wait_for(lambda: invoice_service.get("/readyz").status == 200, what="invoice_service to be ready again")


@pytest.fixture(scope="module")
def outage(faults):
    """Everything asked during the outage, answered; then the database is back."""
    subscriber = faults.new_subscriber("55.00")
    browser = PortalBrowser(faults.stack.url("gateway"))
    assert browser.login(subscriber.account, subscriber.passcode).status == 302
    assert browser.request("GET", "/billing").status == 200
    invoice_service = ApiClient(faults.stack.url("invoice_service"))
    new_invoice = f"D{subscriber.account}"
    today = date.today().isoformat()
    answers = {}
    database = DatabaseOutage(faults)
    database.begin()
    try:
        answers["readyz"] = invoice_service.get("/readyz")
        answers["service_api"] = invoice_service.get("/account", headers=subscriber.bearer)
        answers["gateway_api"] = faults.gateway.get(
            f"/api/invoices/{subscriber.invoices[0]}", headers=subscriber.bearer
        )
        answers["ops_write"] = faults.ops("invoice_service").post(
            "/ops/invoices",
            {"number": new_invoice, "account": subscriber.account, "date": today, "due_date": today, "amount": "5.00"},
        )
        answers["billing_page"] = browser.request("GET", "/billing")
        answers["payment"] = subscriber.pay([(subscriber.invoices[0], "55.00")], key=uuid.uuid4().hex)
    finally:
        database.end()
    return subscriber, new_invoice, answers


def _json_error(response):
    assert response.headers.get("Content-Type", "").startswith("application/json"), response.headers
    body = response.data.decode()
    assert "Traceback" not in body and "sqlalchemy" not in body.lower() and "psycopg" not in body.lower(), body
    return response.json_body["error"]


def test_readyz_is_503_and_names_the_database(outage):
    readyz = outage[2]["readyz"]
    assert readyz.status == 503
    assert any(problem.startswith("database") for problem in readyz.json_body["problems"])


@pytest.mark.parametrize("caller", ["service_api", "gateway_api", "ops_write"])
def test_api_answers_503_json_without_a_traceback(outage, caller):
    response = outage[2][caller]
    error = _json_error(response)
    assert response.status == 503, (response.status, error)
    assert error["message"]


def test_gateway_shows_a_friendly_page(outage):
    page = outage[2]["billing_page"]
    assert page.status == 503
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Temporarily unavailable" in page.text and "try again" in page.text
    assert "Traceback" not in page.text


def test_payment_is_refused_with_try_again_and_charges_nothing(outage, faults):
    subscriber, _, answers = outage
    assert answers["payment"].status == 503
    assert _json_error(answers["payment"])["code"] == "try_again_shortly"
    assert faults.sandbox_charges(faults.payments_of(subscriber.account)) == []


def test_nothing_half_written_after_the_database_returns(outage, faults):
    subscriber, new_invoice, _ = outage
    assert faults.gateway.get(f"/api/invoices/{new_invoice}", headers=subscriber.bearer).status == 404
    assert subscriber.balance(subscriber.invoices[0]) == "55.00"
    paid = subscriber.pay([(subscriber.invoices[0], "55.00")])
    assert paid.status == 201, paid.data
    assert subscriber.balance(subscriber.invoices[0]) == "0.00"
    page = PortalBrowser(faults.stack.url("gateway"))
    assert page.login(subscriber.account, subscriber.passcode).status == 302
    assert page.request("GET", "/billing").status == 200
