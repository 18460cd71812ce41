"""The daily e-mail limits and the notice to the account's own address, on a stack of its own with low limits:
"E-mail this invoice" through the portal, receipts through the public API, mail read from the real SMTP sink.
The counts live in Redis, shared by invoice_service and payment_service and by every process of each."""

import re
import uuid
from html import unescape

import pytest

from devtools.portal_browser import PortalBrowser
from tests.support.accounts import create_subscriber
from tests.support.cards import VISA, token
from tests.support.databases import drop_databases
from tests.support.mail import messages, plain_text, wait_for_mail
from tests.support.stacks import make_stack

PER_ACCOUNT, PER_RECIPIENT = 3, 2
RESETS = re.compile(r"The limit resets at 00:00 UTC on \w+ \d+ \(in (\d+ h )?\d+ min\)\.")


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    stack = make_stack(
        tmp_path_factory,
        "limits",
        extra_env={
            "EMAIL_DAILY_LIMIT_PER_ACCOUNT": str(PER_ACCOUNT),
            "EMAIL_DAILY_LIMIT_PER_RECIPIENT": str(PER_RECIPIENT),
            "WORKER_INTERVAL_SECONDS": "0.2",
        },
    )
    try:
        yield stack.prepare().start()
    finally:
        stack.stop()
        drop_databases(stack.created_databases)


def elsewhere():
    return f"someone-{uuid.uuid4().hex[:10]}@example.org"


def text(page):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page.text)))


def email_invoice(browser, number, address):
    token = PortalBrowser.csrf_of(browser.request("GET", f"/invoices/{number}/email"))
    return browser.request("POST", f"/invoices/{number}/email", {"csrf_token": token, "email": address})


def pay(subscriber, receipt_email):
    return subscriber.api().post(
        "/api/payments",
        {
            "allocations": [{"invoice": subscriber.invoices[0], "amount": "1.00"}],
            "payment_method": token(subscriber.stack.url("sandbox_processor"), VISA),
            "receipt_email": receipt_email,
        },
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )


ACCESS_GRANTED = "Your online bill pay access"  # what every new subscriber's own address gets first


def mail_to(stack, address):
    """What the SMTP sink holds for `address`, less the access-granted e-mail."""
    return [
        message
        for message in messages(stack.mail_dir)
        if message["To"] == address and str(message["Subject"]) != ACCESS_GRANTED
    ]


def is_notice(message):
    return str(message["Subject"]).endswith("was e-mailed to another address")


def test_an_invoice_e_mailed_elsewhere_sends_a_notice_to_the_accounts_own_address(limited):
    subscriber = create_subscriber(limited, invoices=["40.00"])
    other = elsewhere()
    assert email_invoice(subscriber.portal(), subscriber.invoices[0], other).status == 302
    invoice_mail = wait_for_mail(limited.mail_dir, lambda message: message["To"] == other)
    assert str(invoice_mail["Subject"]) == f"Invoice {subscriber.invoices[0]}"
    notice = wait_for_mail(limited.mail_dir, lambda message: message["To"] == subscriber.email and is_notice(message))
    assert str(notice["Subject"]) == f"Your invoice {subscriber.invoices[0]} was e-mailed to another address"
    body = plain_text(notice)
    assert other in body and subscriber.account in body and "did not, please call us" in body
    assert notice.get_body(preferencelist=("html",)) is not None


def test_an_invoice_to_the_accounts_own_address_sends_no_notice(limited):
    subscriber = create_subscriber(limited, invoices=["40.00"])
    assert email_invoice(subscriber.portal(), subscriber.invoices[0], subscriber.email).status == 302
    wait_for_mail(limited.mail_dir, lambda message: bool(mail_to(limited, subscriber.email)))
    assert [str(message["Subject"]) for message in mail_to(limited, subscriber.email)] == [
        f"Invoice {subscriber.invoices[0]}"
    ]


def test_over_the_account_limit_the_portal_says_when_it_resets_and_nothing_is_sent(limited):
    subscriber = create_subscriber(limited, invoices=["40.00"])
    browser = subscriber.portal()
    for _ in range(PER_ACCOUNT - 1):
        assert email_invoice(browser, subscriber.invoices[0], subscriber.email).status == 302
    # a receipt to another address counts against the same daily limit, in payment_service's processes
    assert pay(subscriber, elsewhere()).status == 201
    refused = email_invoice(browser, subscriber.invoices[0], subscriber.email)
    assert refused.status == 429
    shown = text(refused)
    assert f"This account has e-mailed {PER_ACCOUNT} invoices and receipts today, its daily limit." in shown
    assert "The invoice was not sent." in shown and RESETS.search(shown), shown
    # the two invoices and the notice of the receipt elsewhere
    wait_for_mail(limited.mail_dir, lambda message: len(mail_to(limited, subscriber.email)) >= PER_ACCOUNT)
    invoices_sent = [m for m in mail_to(limited, subscriber.email) if str(m["Subject"]).startswith("Invoice")]
    assert len(invoices_sent) == PER_ACCOUNT - 1


def test_a_receipt_elsewhere_is_counted_per_recipient_across_accounts_and_refused_before_charging(limited):
    first, second = (create_subscriber(limited, invoices=["40.00"]) for _ in range(2))
    shared = elsewhere()
    for _ in range(PER_RECIPIENT):
        assert pay(first, shared).status == 201
    refused = pay(second, shared)
    assert refused.status == 429, refused.json_body
    error = refused.json_body["error"]
    assert error["code"] == "email_limit_recipient"
    assert error["message"].startswith(f"{shared} has been sent {PER_RECIPIENT} invoices and receipts today")
    assert "Nothing was charged" in error["message"] and RESETS.search(error["message"])
    assert second.api().get("/api/payments").json_body["total"] == 0
    own = pay(second, second.email)  # the account's own address is never limited: every payment sends one
    assert own.status == 201
    receipt_ids = {p["id"] for p in first.api().get("/api/payments").json_body["items"]}
    wait_for_mail(limited.mail_dir, lambda message: len(mail_to(limited, shared)) == PER_RECIPIENT)
    notices = wait_for_mail(
        limited.mail_dir,
        lambda message: (
            len([m for m in mail_to(limited, first.email) if "another address" in str(m["Subject"])]) == PER_RECIPIENT
        ),
    )
    assert notices is not None
    notice_texts = [plain_text(m) for m in mail_to(limited, first.email) if "another address" in str(m["Subject"])]
    assert {payment_id for payment_id in receipt_ids for body in notice_texts if payment_id in body} == receipt_ids
    assert all(shared in body for body in notice_texts)
