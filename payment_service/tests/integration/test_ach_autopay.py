"""AutoPay from a saved bank account: enrolment needs the NACHA debit authorization (kept for the office), the run
debits on the due date and the invoice is paid once the debit settles; a return R02 removes the bank account
and suspends AutoPay from it."""

import datetime
from decimal import Decimal

from autopay_helpers import events, run_on
from payment_helpers import SANDBOX
from test_ach_payments import MONDAY, bank_token, settle

from payment_service import ach_terms, autopay_terms
from tests.support.sandbox import move_clock


def saved_bank_account(client, auth, account_number="000123456789"):
    response = client.post("/payment-profiles", json={"payment_method": bank_token(account_number)}, headers=auth)
    assert response.status_code == 201, response.json
    assert (response.json["kind"], response.json["account_type"], response.json["exp_month"]) == (
        "us_bank_account",
        "checking",
        None,
    )
    return response.json["id"]


def enrol_bank(client, auth, profile_id, **extra):
    body = {"profile_id": profile_id, "terms_version": autopay_terms.CURRENT, "agree": True, **extra}
    return client.put("/autopay", json=body, headers={**auth, "X-Forwarded-For": "203.0.113.8"})


def test_autopay_from_a_bank_account_needs_the_debit_authorization(app, client, auth, account, ops):
    profile = saved_bank_account(client, auth)
    refused = enrol_bank(client, auth, profile)
    assert refused.status_code == 422 and refused.json["error"]["code"] == "ach_authorization_required"
    enrolled = enrol_bank(client, auth, profile, ach_authorization=ach_terms.CURRENT)
    assert enrolled.status_code == 200 and enrolled.json["status"] == "on", enrolled.json
    [record] = client.get(f"/ops/ach-authorizations/{account}", headers=ops).json
    assert (record["method"], record["profile_id"], record["client_address"]) == ("autopay", profile, "203.0.113.8")
    assert "each invoice's due date" in record["text"]
    [confirmation] = events(app, account, "autopay.enrolled")  # the e-mail names a bank account, not a card
    assert confirmation["method"] == "STRIPE TEST BANK checking account ending in 6789"
    assert "charge my STRIPE TEST BANK checking account ending in 6789" in confirmation["terms"]


def test_autopay_debits_the_bank_account_and_the_invoice_is_paid_after_settlement(
    app, client, auth, account, new_invoice, invoice_service, ops
):
    profile = saved_bank_account(client, auth)
    assert enrol_bank(client, auth, profile, ach_authorization=ach_terms.CURRENT).status_code == 200
    invoice = new_invoice("64.00", due_date=MONDAY)
    move_clock(SANDBOX["url"], MONDAY)
    assert run_on(app, MONDAY).get("pending") == 1
    assert invoice_service.held(invoice) == Decimal("64.00")
    assert run_on(app, MONDAY + datetime.timedelta(days=1)).get("pending", 0) == 0  # never debited twice
    settle(app)
    assert invoice_service.balance(invoice) == Decimal("0.00")
    assert [receipt["total"] for receipt in events(app, account, "payment.receipt")] == ["64.00"]
    [record] = client.get(f"/ops/ach-authorizations/{account}", headers=ops).json
    last_debit = datetime.date.fromisoformat(record["last_debit_at"][:10])
    assert datetime.date.fromisoformat(record["keep_until"]) - last_debit >= datetime.timedelta(days=730)


def test_a_closed_account_return_removes_the_bank_account_and_suspends_autopay(
    app, client, auth, account, new_invoice, invoice_service
):
    profile = saved_bank_account(client, auth, "000111111113")
    assert enrol_bank(client, auth, profile, ach_authorization=ach_terms.CURRENT).status_code == 200
    invoice = new_invoice("64.00", due_date=MONDAY)
    move_clock(SANDBOX["url"], MONDAY)
    assert run_on(app, MONDAY).get("pending") == 1
    settle(app)
    assert invoice_service.balance(invoice) == Decimal("64.00") and invoice_service.held(invoice) == Decimal("0.00")
    state = client.get("/autopay", headers=auth).json
    assert state["status"] == "suspended" and "R02" in state["reason"]
    assert profile not in [item["id"] for item in client.get("/payment-profiles", headers=auth).json["items"]]
    [notice] = events(app, account, "payment.returned")
    assert (notice["return_code"], notice["bank_account_disabled"], notice["autopay_suspended"]) == ("R02", True, True)
    assert len(events(app, account, "autopay.suspended")) == 1
