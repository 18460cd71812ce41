"""Subscribers of a test's own: a portal login, a billing account and open invoices, made through the ops APIs with
fresh numbers, so that no test touches the demo account 99939999 or another test's data. The request bodies are
also what a service suite posts to its own test client."""

import secrets
import uuid
from dataclasses import dataclass, field

from devtools.api_client import ApiClient
from devtools.portal_browser import PortalBrowser
from devtools.stack import DEMO_ACCOUNT
from devtools.testing import unique_account

from . import cards

__all__ = [
    "DEMO_ACCOUNT",
    "DEMO_INVOICES",
    "GUIDE_INVOICES",
    "NewInvoice",
    "Subscriber",
    "StaffMember",
    "billing_account",
    "create_staff_member",
    "create_subscriber",
    "grant_access",
    "invoice",
    "ops",
    "pay_and_save_card",
    "unique_invoice_number",
]

DEMO_INVOICES = ("528132", "528131")  # the demo account's open invoices, as in the user guide


@dataclass(frozen=True)
class NewInvoice:
    amount: str
    date: str = "2026-01-15"
    due_date: str = "2026-02-15"  # None: the invoice's date
    suffix: str = None  # the number is the account number + suffix; a fresh number when None
    charged: bool = True  # one "Alarm monitoring" charge for the whole amount


# Two open invoices like the demo account's (108.00 + 107.95 = $215.95), numbered <account>A and <account>B.
GUIDE_INVOICES = (
    NewInvoice("108.00", "2016-02-15", "2016-03-15", "A"),
    NewInvoice("107.95", "2016-02-15", "2016-03-15", "B"),
)


def unique_invoice_number():
    return str(uuid.uuid4().int % 10**11 + 10**11)


def billing_account(system_number, name="Payer, Pat", email=None, **fields):
    """The body of POST /ops/accounts."""
    return {
        "system_number": system_number,
        "name": name,
        "email": email or f"pat{system_number}@example.com",
        "line1": "1 Elm St",
        "city": "Syracuse",
        "state": "NY",
        "zip": "13204",
        **fields,
    }


def invoice(account, amount, number=None, date="2026-01-15", due_date=None, charges=None):
    """The body of POST /ops/invoices: an open invoice of `amount`; without `charges`, one monitoring charge for all
    of it (pass [] for none)."""
    if charges is None:
        charges = [{"description": "Alarm monitoring", "unit_price": amount}]
    return {
        "number": number or unique_invoice_number(),
        "account": account,
        "date": date,
        "due_date": due_date or date,
        "amount": amount,
        "charges": charges,
    }


def ops(stack, service):
    """An office caller of one service of the stack: the stack's demo staff member (every role), signed in at its
    auth_service with password and TOTP."""
    return ApiClient(stack.url(service), stack.staff_headers())


@dataclass
class StaffMember:
    username: str
    password: str
    totp_secret: str
    token: str

    def headers(self):
        return {"Authorization": f"Bearer {self.token}"}

    def client(self, stack, service):
        return ApiClient(stack.url(service), self.headers())


def create_staff_member(stack, *roles):
    """A staff member of a test's own with `roles`, made by the stack's admin and signed in with its TOTP."""
    import pyotp

    username = f"staff-{uuid.uuid4().hex[:10]}"
    made = ops(stack, "auth_service").post("/ops/staff", {"username": username, "roles": list(roles)})
    assert made.status == 201, made.data
    password, secret = made.json_body["password"], made.json_body["totp_secret"]
    body = {"username": username, "password": password, "code": pyotp.TOTP(secret).now()}
    signed_in = ApiClient(stack.url("auth_service")).post("/staff/sign-in", body)
    assert signed_in.status == 200, signed_in.data
    return StaffMember(username, password, secret, signed_in.json_body["access_token"])


def grant_access(stack, account, passcode, name="Pat Payer", email=None):
    granted = ops(stack, "auth_service").post(
        "/ops/access",
        {"account": account, "email": email or f"pat{account}@example.com", "name": name, "passcode": passcode},
    )
    assert granted.status == 201, granted.data


@dataclass
class Subscriber:
    stack: object
    account: str
    passcode: str
    email: str
    invoices: list = field(default_factory=list)

    def token(self):
        """A fresh token from auth_service itself (the gateway's per-address login limit is not drawn on)."""
        response = ApiClient(self.stack.url("auth_service")).post(
            "/auth/login", {"username": self.account, "password": self.passcode}
        )
        assert response.status == 200, response.data
        return response.json_body["access_token"]

    def bearer(self):
        return {"Authorization": f"Bearer {self.token()}"}

    def api(self):
        """The public API through the gateway, as this subscriber."""
        return ApiClient(self.stack.url(), self.bearer())

    def portal(self):
        """A browser without JavaScript, logged in to the portal as this subscriber."""
        browser = PortalBrowser(self.stack.url())
        response = browser.login(self.account, self.passcode)
        assert response.status == 302, (response.status, response.text[:500])
        return browser


def create_subscriber(
    stack, invoices=("40.00", "25.50"), name="Pat Payer", billing_name=None, email=None, passcode=None
):
    """A portal login plus, when the stack runs invoice_service, a billing account with one open invoice per item
    of `invoices` (an amount, or a NewInvoice)."""
    account = unique_account()
    email = email or f"pat{account}@example.com"
    subscriber = Subscriber(stack, account, passcode or secrets.token_urlsafe(12), email)
    grant_access(stack, account, subscriber.passcode, name, subscriber.email)
    if not stack.has("invoice_service"):
        return subscriber
    office = ops(stack, "invoice_service")
    created = office.post("/ops/accounts", billing_account(account, billing_name or name, subscriber.email))
    assert created.status == 201, created.data
    for item in invoices:
        item = item if isinstance(item, NewInvoice) else NewInvoice(item)
        number = f"{account}{item.suffix}" if item.suffix else None
        body = invoice(account, item.amount, number, item.date, item.due_date, None if item.charged else [])
        made = office.post("/ops/invoices", body)
        assert made.status == 201, made.data
        subscriber.invoices.append(body["number"])
    return subscriber


def pay_and_save_card(subscriber, amount):
    """Pay `amount` of the subscriber's first invoice and save a card, at payment_service directly (cards tokenized at
    the stack's sandbox processor); sets
    subscriber.payment_id and subscriber.profile_id, so that list and detail pages have rows to show."""
    payments = ApiClient(subscriber.stack.url("payment_service"), subscriber.bearer())
    sandbox = subscriber.stack.url("sandbox_processor")
    paid = payments.post(
        "/payments",
        {
            "allocations": [{"invoice": subscriber.invoices[0], "amount": amount}],
            "payment_method": cards.token(sandbox),
        },
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert paid.status == 201, paid.data
    profile = payments.post("/payment-profiles", {"payment_method": cards.token(sandbox)})
    assert profile.status == 201, profile.data
    subscriber.payment_id, subscriber.profile_id = paid.json_body["id"], profile.json_body["id"]
    return subscriber
