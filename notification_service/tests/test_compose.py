"""Each e-mail type renders both parts from the data of docs/internal-contracts.md (no I/O)."""

import email
from email import policy

import pytest

from billpay_common.queue import EmailJob
from notification_service.compose import InvalidJob, Sender, compose

SENDER = Sender(
    "billing@dss.example", "Dean Smith Security", "100 Clinton Square, Syracuse, NY 13202", "1-844-837-5321"
)
JOBS = {
    "payment.refund": (
        {
            "payment_id": "P-9",
            "date": "2016-03-01",
            "amount": "108.00",
            "allocations": [{"invoice": "528132", "amount": "108.00"}],
            "card": {"brand": "Mastercard", "last4": "4444"},
            "account": "99939999",
            "account_name": "Jones, Michael",
        },
        ["P-9", "$108.00", "Mastercard ending in 4444", "528132"],
    ),
    "access.granted": ({"name": "Michael Jones", "account": "99939999"}, ["Welcome Michael Jones", "99939999"]),
    "passcode.reset": (
        {
            "name": "Michael Jones",
            "account": "99939999",
            "link": "https://pay.example/set-passcode?token=t0k",
            "minutes": 30,
        },
        ["Michael Jones", "99939999", "https://pay.example/set-passcode?token=t0k", "30 minutes"],
    ),
    "profile.expiring": (
        {"brand": "Visa", "last4": "1111", "exp_month": 3, "exp_year": 2026, "account": "99939999"},
        ["Visa card ending in 1111", "03/2026", "Manage Profiles"],
    ),
    "sent.elsewhere": (
        {
            "account": "99939999",
            "account_name": "Jones, Michael",
            "document": "invoice 528132",
            "sent_to": "someone@example.org",
            "sent_at": "03/01/2016 14:05",
        },
        ["Jones, Michael", "invoice 528132", "someone@example.org", "03/01/2016 14:05", "99939999"],
    ),
    "autopay.enrolled": (
        {
            "account": "99939999",
            "account_name": "Jones, Michael",
            "method": "Visa card ending in 4242",
            "terms_version": "2026-12-01",
            "terms": "I authorize Dean Smith Security to charge my Visa card ending in 4242 ...",
        },
        ["AutoPay is on", "Visa card ending in 4242", "2026-12-01", "I authorize Dean Smith Security"],
    ),
    "autopay.turned_off": (
        {"account": "99939999", "account_name": "Jones, Michael", "date": "2026-12-02"},
        ["AutoPay is off", "99939999", "12/02/2026"],
    ),
    "autopay.notice": (
        {
            "account": "99939999",
            "account_name": "Jones, Michael",
            "invoice": "528133",
            "due_date": "2026-12-15",
            "amount": "120.00",
            "previous_amount": "108.00",
            "method": "Visa card ending in 4242",
        },
        ["12/15/2026", "$120.00", "$108.00", "528133", "Visa card ending in 4242"],
    ),
    "autopay.declined": (
        {
            "account": "99939999",
            "account_name": "Jones, Michael",
            "invoice": "528133",
            "amount": "120.00",
            "method": "Visa card ending in 0002",
            "message": "Your card was declined.",
            "next_try": "2026-12-18",
            "pay_link": "https://pay.example/pay",
        },
        ["$120.00", "declined", "12/18/2026", "https://pay.example/pay", "Make A Payment"],
    ),
    "autopay.suspended": (
        {
            "account": "99939999",
            "account_name": "Jones, Michael",
            "invoice": "528133",
            "amount": "120.00",
            "method": "Visa card ending in 0002",
            "message": "Your card was declined.",
            "pay_link": "https://pay.example/pay",
        },
        ["AutoPay is suspended", "528133", "https://pay.example/pay", "Make A Payment"],
    ),
    "payment.returned": (
        {
            "payment_id": "p-ach-1",
            "account": "99939999",
            "account_name": "Jones, Michael",
            "amount": "108.00",
            "method": "Checking account ending in 6789",
            "return_code": "R02",
            "reason": "the account is closed",
            "invoices": "528132",
            "bank_account_disabled": True,
            "autopay_suspended": True,
            "pay_link": "https://pay.example/pay",
        },
        ["returned", "$108.00", "R02", "528132", "AutoPay from it is", "Make A Payment"],
    ),
}


@pytest.mark.parametrize("kind", JOBS)
def test_each_type_has_text_and_html_with_its_facts_and_the_company(kind):
    data, facts = JOBS[kind]
    composed = compose(EmailJob(type=kind, to="a@example.com", account="99939999", data=data), SENDER)
    message = email.message_from_bytes(composed.as_bytes(), policy=policy.default)
    for subtype in ("plain", "html"):
        body = message.get_body((subtype,)).get_content()
        for fact in facts + ["Dean Smith Security", "1-844-837-5321"]:
            assert fact in body
    assert message["From"] == "Dean Smith Security <billing@dss.example>"


@pytest.mark.parametrize("to", ["", "no-at-sign", "a@b", "a b@example.com", "a@example.com\nBcc: x@example.com"])
def test_malformed_address_is_invalid(to):
    with pytest.raises(InvalidJob):
        compose(EmailJob(type="access.granted", to=to, data={"name": "N", "account": "1"}), SENDER)


@pytest.mark.parametrize(
    "kind, data",
    [
        ("access.granted", {"account": "1"}),
        ("payment.refund", {**JOBS["payment.refund"][0], "card": None}),
        ("payment.refund", {**JOBS["payment.refund"][0], "date": "soon"}),
        ("payment.receipt", "not a dict"),
    ],
)
def test_missing_or_wrong_data_is_invalid(kind, data):
    with pytest.raises(InvalidJob):
        compose(EmailJob(type=kind, to="a@example.com", data=data), SENDER)


def test_bad_amount_or_pdf_is_invalid():
    with pytest.raises(InvalidJob):
        compose(
            EmailJob(type="payment.refund", to="a@example.com", data={**JOBS["payment.refund"][0], "amount": "lots"}),
            SENDER,
        )
    with pytest.raises(InvalidJob):
        compose(
            EmailJob(
                type="invoice.email",
                to="a@example.com",
                data={
                    "invoice": "1",
                    "date": "2016-02-15",
                    "due_date": "2016-03-01",
                    "amount": "1.00",
                    "balance": "1.00",
                    "account": "1",
                    "account_name": "N",
                    "filename": "i.pdf",
                    "pdf_base64": "not base64!",
                },
            ),
            SENDER,
        )
