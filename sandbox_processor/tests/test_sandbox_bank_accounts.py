"""Bank accounts at the sandbox: the routing number's ABA checksum is a field error, the account number is
never kept, and a debit stays processing until its banking days pass on the sandbox's clock, then settles or is
returned with the R code its test account number stands for, as a processor event."""

import datetime
import sqlite3
import urllib.request

import pytest
from sandbox_processor.bank_accounts import add_banking_days

from tests.support.sandbox import call, move_clock, sandbox_processor, tokenize_bank_account

MONDAY = datetime.date(2026, 11, 30)


@pytest.fixture
def own_sandbox(tmp_path):
    """A sandbox of this test's own: its clock moves without touching other tests'."""
    with sandbox_processor(tmp_path) as url:
        yield url, tmp_path / "sandbox_processor.db"


def debit(url, account_number, reference):
    status, method = tokenize_bank_account(url, account_number)
    assert status == 200, method
    body = {"reference": reference, "amount": "108.00", "payment_method": method["id"]}
    status, charge = call(url, "POST", "/v1/charges", body)
    assert status == 200, charge
    return charge


def test_banking_days_skip_the_weekend():
    assert add_banking_days(MONDAY, 3) == datetime.date(2026, 12, 3)
    assert add_banking_days(datetime.date(2026, 12, 4), 1) == datetime.date(2026, 12, 7)


@pytest.mark.parametrize("routing", ["110000001", "12345678", "11000000a"])
def test_a_routing_number_failing_the_checksum_is_a_field_error_and_no_token(sandbox_url, routing):
    status, answer = tokenize_bank_account(sandbox_url, "000123456789", routing_number=routing)
    assert status == 402 and "id" not in answer
    assert set(answer["error"]["fields"]) == {"us_bank_account.routing_number"}


def test_a_bank_account_token_keeps_bank_name_type_and_last4_only(own_sandbox):
    url, ledger = own_sandbox
    status, method = tokenize_bank_account(url, "000123456789", account_type="savings")
    assert status == 200 and method["id"].startswith("pm_sbx_") and method["type"] == "us_bank_account"
    details = method["us_bank_account"]
    assert (details["bank_name"], details["account_type"], details["last4"]) == ("STRIPE TEST BANK", "savings", "6789")
    assert b"000123456789" not in ledger.read_bytes()
    with sqlite3.connect(ledger) as kept:
        rows = kept.execute("select * from bank_account_methods").fetchall()
    assert "000123456789" not in repr(rows)


def test_a_debit_is_processing_until_its_banking_days_pass_then_succeeds(own_sandbox):
    url, _ = own_sandbox
    move_clock(url, MONDAY)
    assert debit(url, "000123456789", "ach-ok")["status"] == "processing"
    move_clock(url, datetime.date(2026, 12, 2))
    assert call(url, "GET", "/v1/charges/ach-ok")[1]["status"] == "processing"
    assert call(url, "GET", "/v1/events")[1]["data"] == []
    move_clock(url, datetime.date(2026, 12, 3))
    assert call(url, "GET", "/v1/charges/ach-ok")[1]["status"] == "succeeded"
    [event] = call(url, "GET", "/v1/events")[1]["data"]
    assert event["type"] == "payment_intent.succeeded" and event["data"]["object"]["id"] == "ach-ok"


@pytest.mark.parametrize(
    "account_number, code, reason",
    [
        ("000222222227", "R01", "insufficient_funds"),
        ("000111111113", "R02", "account_closed"),
        ("000111111116", "R03", "no_account"),
        ("000333333335", "R10", "debit_not_authorized"),
    ],
)
def test_documented_accounts_are_returned_with_their_code(own_sandbox, account_number, code, reason):
    url, _ = own_sandbox
    move_clock(url, MONDAY)
    assert debit(url, account_number, f"ach-{code}")["status"] == "processing"
    move_clock(url, datetime.date(2026, 12, 3))
    charge = call(url, "GET", f"/v1/charges/ach-{code}")[1]
    assert (charge["status"], charge["return_code"]) == ("returned", code)
    [event] = call(url, "GET", "/v1/events")[1]["data"]
    assert event["type"] == "payment_intent.payment_failed"
    error = event["data"]["object"]["last_payment_error"]
    assert (error["code"], error["ach_return_code"], error["payment_method"]["type"]) == (
        reason,
        code,
        "us_bank_account",
    )


def test_the_same_reference_debits_once(own_sandbox):
    url, _ = own_sandbox
    status, method = tokenize_bank_account(url, "000123456789")
    body = {"reference": "ach-twice", "amount": "10.00", "payment_method": method["id"]}
    assert call(url, "POST", "/v1/charges", body)[0] == 200
    assert call(url, "POST", "/v1/charges", body)[0] == 200
    assert call(url, "POST", "/v1/charges", {**body, "reference": "ach-again"})[0] == 409


def test_collect_bank_accounts_frame_is_labelled_under_the_sandboxs_csp(sandbox_url):
    with urllib.request.urlopen(f"{sandbox_url}/collect/us_bank_account", timeout=10) as page:
        html, policy = page.read().decode(), page.headers["Content-Security-Policy"]
    for label in ("Routing number", "Account number", "Checking", "Savings", "Connect account", "Cancel"):
        assert label in html
    assert 'id="routing_number-error"' in html and "<script>" not in html and "style=" not in html
    assert "frame-ancestors" in policy and "script-src 'self'" in policy
    with urllib.request.urlopen(f"{sandbox_url}/static/bank_account.js", timeout=10) as script:
        assert "event.origin !== PARENT" in script.read().decode()


def test_events_are_listed_newest_first_in_pages_as_stripe_lists_them(own_sandbox):
    url, _ = own_sandbox
    move_clock(url, MONDAY)
    for number in range(3):
        debit(url, "000123456789", f"ach-mon-{number}")
    move_clock(url, datetime.date(2026, 12, 1))
    debit(url, "000123456789", "ach-tue")
    move_clock(url, datetime.date(2026, 12, 10))
    first = call(url, "GET", "/v1/events?limit=2")[1]
    assert [event["id"] for event in first["data"]] == ["evt_sbx_ach-tue", "evt_sbx_ach-mon-2"]
    assert first["has_more"] is True
    rest = call(url, "GET", "/v1/events?limit=2&starting_after=evt_sbx_ach-mon-2")[1]
    assert [event["id"] for event in rest["data"]] == ["evt_sbx_ach-mon-1", "evt_sbx_ach-mon-0"]
    assert rest["has_more"] is False
    settled_tuesday = first["data"][0]["created"]
    recent = call(url, "GET", f"/v1/events?created[gte]={settled_tuesday}")[1]
    assert [event["id"] for event in recent["data"]] == ["evt_sbx_ach-tue"]


@pytest.mark.parametrize(
    "query, field", [("limit=0", "limit"), ("limit=101", "limit"), ("created[gte]=soon", "created[gte]")]
)
def test_a_wrong_events_query_is_a_400_naming_the_parameter(sandbox_url, query, field):
    status, answer = call(sandbox_url, "GET", f"/v1/events?{query}")
    assert status in (400, 422) and field in str(answer), answer


def test_listing_after_an_unknown_event_is_a_404(sandbox_url):
    status, answer = call(sandbox_url, "GET", "/v1/events?starting_after=evt_sbx_nothing")
    assert status == 404 and "evt_sbx_nothing" in answer["error"]["message"]
