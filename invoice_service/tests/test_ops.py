import pytest

from devtools.testing import unique_account


def test_ops_endpoints_need_a_staff_token(client, account, as_subscriber):
    assert client.post("/ops/accounts", json={}).status_code == 401
    assert client.post("/ops/accounts", json={}, headers={"X-Ops-Key": "the-old-shared-key"}).status_code == 401
    assert client.get(f"/ops/accounts/{account}", headers=as_subscriber(account)).status_code == 401


def test_a_clerk_cannot_void_and_a_viewer_cannot_add_invoices(client, account, add_invoice, staff_headers):
    number = add_invoice(account, "10.00")
    voided = client.post(f"/ops/invoices/{number}/void", json={"reason": "x"}, headers=staff_headers("cl", "clerk"))
    assert voided.status_code == 403 and "supervisor role" in voided.json["error"]["message"]
    added = client.post("/ops/invoices", json={}, headers=staff_headers("vi", "viewer"))
    assert added.status_code == 403


def test_create_update_and_read_an_account(client, ops):
    number = unique_account()
    created = client.post(
        "/ops/accounts", json={"system_number": number, "name": "Roe, Rich", "online_date": "2020-02-02"}, headers=ops
    )
    assert created.status_code == 201 and created.json["status"] == "Active"
    assert client.post("/ops/accounts", json={"system_number": number, "name": "Again"}, headers=ops).status_code == 409
    updated = client.patch(f"/ops/accounts/{number}", json={"phone": "315-555-0100", "city": "Utica"}, headers=ops)
    assert updated.status_code == 200
    assert (updated.json["name"], updated.json["phone"], updated.json["city"]) == ("Roe, Rich", "315-555-0100", "Utica")
    summary = client.get(f"/ops/accounts/{number}", headers=ops).json
    assert summary["profile"]["online_date"] == "2020-02-02"
    assert client.patch("/ops/accounts/424242424242", json={"phone": "1"}, headers=ops).status_code == 404


def test_adjust_changes_the_balance_and_void_zeroes_it(client, ops, account, add_invoice):
    number = add_invoice(account, "80.00")
    credit = client.post(
        f"/ops/invoices/{number}/adjustments", json={"amount": "-30.00", "reason": "goodwill"}, headers=ops
    )
    assert credit.status_code == 200
    assert (credit.json["balance"], credit.json["adjustment_total"], credit.json["status"]) == (
        "50.00",
        "-30.00",
        "open",
    )
    fee = client.post(f"/ops/invoices/{number}/adjustments", json={"amount": "5.00", "reason": "late fee"}, headers=ops)
    assert fee.json["balance"] == "55.00"
    too_much = client.post(f"/ops/invoices/{number}/adjustments", json={"amount": "-55.01", "reason": "x"}, headers=ops)
    assert too_much.status_code == 422
    voided = client.post(f"/ops/invoices/{number}/void", json={"reason": "billed twice"}, headers=ops)
    assert (voided.status_code, voided.json["status"], voided.json["balance"]) == (200, "void", "0.00")
    listed = client.get(f"/ops/accounts/{account}/invoices", headers=ops).json
    assert [(row["number"], row["status"]) for row in listed] == [(number, "void")]
    assert client.get(f"/ops/accounts/{account}", headers=ops).json["payment_status"]["outstanding_balance"] == "0.00"


def test_void_is_refused_while_payments_are_applied(client, ops, internal, account, add_invoice):
    number = add_invoice(account, "10.00")
    body = {
        "payment_id": "p" + unique_account(),
        "account": account,
        "allocations": [{"invoice": number, "amount": "4.00"}],
    }
    client.post("/internal/reservations", json=body, headers=internal)
    assert client.post(f"/ops/invoices/{number}/void", json={"reason": "x"}, headers=ops).status_code == 409
    client.post(f"/internal/reservations/{body['payment_id']}/confirm", json={}, headers=internal)
    assert client.post(f"/ops/invoices/{number}/void", json={"reason": "x"}, headers=ops).status_code == 409


@pytest.mark.parametrize(
    "change",
    [
        {"amount": "1.00"},  # no due_date
        {"due_date": "2023-01-01"},  # due before the invoice date
        {"amount": "-1.00"},
        {"amount": "12.345"},
        {"number": "has space"},
        {"charges": [{"description": "x", "unit_price": "1.00", "tax": "0"}]},  # charges do not add up to 10.00
        {"charges": [{"unit_price": "10.00"}]},  # no description
        {"date": "2024-02-30"},
    ],
)
def test_bad_invoices_are_422(client, ops, account, change):
    body = {
        "number": "N" + unique_account(),
        "account": account,
        "date": "2024-01-15",
        "due_date": "2024-02-15",
        "amount": "10.00",
        **change,
    }
    if change == {"amount": "1.00"}:
        body.pop("due_date")
    response = client.post("/ops/invoices", json=body, headers=ops)
    assert response.status_code == 422 and response.json["error"]["message"], response.json


def test_invoice_for_a_missing_account_or_a_taken_number_is_refused(client, ops, account, add_invoice):
    body = {
        "number": "N" + unique_account(),
        "account": "5550000001",
        "date": "2024-01-15",
        "due_date": "2024-01-15",
        "amount": "1.00",
    }
    assert client.post("/ops/invoices", json=body, headers=ops).status_code == 422
    taken = add_invoice(account, "1.00")
    assert (
        client.post("/ops/invoices", json={**body, "number": taken, "account": account}, headers=ops).status_code == 409
    )


def test_unknown_invoice_is_404_for_ops(client, ops):
    assert (
        client.post("/ops/invoices/NOPE1/adjustments", json={"amount": "1.00", "reason": "x"}, headers=ops).status_code
        == 404
    )
    assert client.post("/ops/invoices/NOPE1/void", json={"reason": "x"}, headers=ops).status_code == 404
    assert client.get("/ops/accounts/4040404040/invoices", headers=ops).status_code == 404


def test_non_json_body_is_a_4xx(client, ops):
    response = client.post("/ops/invoices", data="{oops", content_type="application/json", headers=ops)
    assert 400 <= response.status_code < 500


def test_cli_manages_accounts_and_invoices(runner):
    number, invoice = unique_account(), "C" + unique_account()
    steps = [
        ["account-create", number, "--name", "Cli, Carl", "--email", "carl@example.com"],
        ["account-update", number, "--phone", "315-555-0000"],
        [
            "invoice-create",
            invoice,
            "--account",
            number,
            "--date",
            "2024-01-01",
            "--due-date",
            "2024-01-31",
            "--amount",
            "54.00",
            "--charge",
            "Central station monitoring:49.95:4.05",
        ],
        ["invoice-adjust", invoice, "--reason", "goodwill", "--", "-4.00"],
    ]
    for args in steps:
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output)
    listing = runner.invoke(args=["invoices", number]).output
    assert invoice in listing and "50.00" in listing and "Outstanding balance: 50.00" in listing
    assert runner.invoke(args=["invoice-void", invoice, "--reason", "test"]).exit_code == 0
    assert "Outstanding balance: 0.00" in runner.invoke(args=["invoices", number]).output


def test_cli_reports_errors_without_a_traceback(runner):
    result = runner.invoke(args=["invoice-adjust", "NOPE1", "abc", "--reason", "x"])
    assert result.exit_code == 2 and "not an amount" in result.output
    result = runner.invoke(args=["invoices", "4040404041"])
    assert result.exit_code == 1 and "There is no billing account" in result.output
