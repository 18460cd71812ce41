"""Accounts of their own for the attack tests: a portal login, a billing account and open invoices, made through
the ops APIs with fresh numbers so that no test ever touches the demo account 99939999 or another test's data."""
import uuid
from dataclasses import dataclass, field

from devtools.api_client import ApiClient
from devtools.testing import unique_account

DEMO_ACCOUNT = "99939999"
DEMO_INVOICES = ("528132", "528131")
VISA = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"}


def unique_invoice_number():
    return str(uuid.uuid4().int % 10**11 + 10**11)


@dataclass
class Subscriber:
    stack: object
    account: str
    passcode: str
    invoices: list = field(default_factory=list)

    def token(self):
        """A fresh token from auth_service itself (the gateway's per-address login limit is not drawn on)."""
        response = ApiClient(self.stack.url("auth_service")).post(
            "/auth/login", {"username": self.account, "password": self.passcode})
        assert response.status == 200, response.data
        return response.json_body["access_token"]

    def bearer(self):
        return {"Authorization": f"Bearer {self.token()}"}


def ops(stack, service):
    return ApiClient(stack.url(service), {"X-Ops-Key": stack.env["OPS_API_KEY"], "X-Ops-Actor": "attack-tests"})


def create_subscriber(stack, amounts=("40.00", "25.50"), name="Ada Attack-Test"):
    """A portal login plus, when invoice_service runs, a billing account with one open invoice per amount."""
    account, passcode = unique_account(), f"pw-{uuid.uuid4().hex[:12]}"
    granted = ops(stack, "auth_service").post("/ops/access", {"account": account, "email": f"{account}@example.com",
                                                              "name": name, "passcode": passcode})
    assert granted.status == 201, granted.data
    subscriber = Subscriber(stack, account, passcode)
    if not stack.has("invoice_service"):
        return subscriber
    invoices = ops(stack, "invoice_service")
    created = invoices.post("/ops/accounts", {"system_number": account, "name": name,
                                              "email": f"{account}@example.com", "line1": "1 Test Way",
                                              "city": "Syracuse", "state": "NY", "zip": "13204"})
    assert created.status == 201, created.data
    for amount in amounts:
        number = unique_invoice_number()
        invoice = invoices.post("/ops/invoices", {
            "number": number, "account": account, "date": "2026-01-15", "due_date": "2026-02-15", "amount": amount,
            "charges": [{"description": "Alarm monitoring", "unit_price": amount}]})
        assert invoice.status == 201, invoice.data
        subscriber.invoices.append(number)
    return subscriber
