"""Accounts of the browser tests' own, made through the ops APIs, so that only the walkthrough touches 99939999."""
import secrets
from dataclasses import dataclass, field

from devtools.testing import unique_account

INVOICE_AMOUNTS = ("108.00", "107.95")


@dataclass
class Subscriber:
    account: str
    passcode: str
    email: str
    invoices: list = field(default_factory=list)


def create_subscriber(stack, ops_client, name="Payer, Pat"):
    account, passcode = unique_account(), secrets.token_urlsafe(12)
    email = f"pat{account}@example.com"
    invoices = ops_client("invoice_service")
    created = invoices.post("/ops/accounts", {"system_number": account, "name": name, "line1": "1 Elm St",
                                              "city": "Syracuse", "state": "NY", "zip": "13204", "email": email})
    assert created.status == 201, created.json_body
    subscriber = Subscriber(account, passcode, email)
    for suffix, amount in zip("AB", INVOICE_AMOUNTS):
        number = f"{account}{suffix}"
        made = invoices.post("/ops/invoices", {"number": number, "account": account, "date": "2016-02-15",
                                               "due_date": "2016-03-15", "amount": amount,
                                               "charges": [{"description": "Alarm monitoring", "unit_price": amount}]})
        assert made.status == 201, made.json_body
        subscriber.invoices.append(number)
    granted = ops_client("auth_service").post("/ops/access", {"account": account, "email": email, "name": "Pat Payer",
                                                              "passcode": passcode})
    assert granted.status == 201, granted.json_body
    return subscriber
