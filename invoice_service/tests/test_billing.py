from datetime import date, timedelta

from devtools.testing import unique_account


def seed_demo(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result


def test_demo_account_billing_page_shows_the_guides_balances(runner, client, as_subscriber):
    seed_demo(runner)
    seed_demo(runner)  # idempotent: a second run changes nothing
    body = client.get("/account", headers=as_subscriber("99939999")).json
    assert body["profile"]["name"] == "Jones, Michael *Test Account*"
    assert body["profile"]["address"] == {
        "line1": "123 Main Street",
        "line2": "",
        "city": "Syracuse",
        "state": "NY",
        "zip": "13204",
    }
    assert (body["profile"]["account_type"], body["profile"]["status"], body["profile"]["comm_type"]) == (
        "Residential",
        "Active",
        "Digital",
    )
    assert body["profile"]["online_date"] == "2013-06-05" and body["profile"]["phone"] == "8253"
    assert body["payment_status"]["outstanding_balance"] == "215.95"
    assert body["payment_status"]["payment_due"] == "215.95"
    assert body["payment_status"]["last_payment"] == {
        "amount": "108.00",
        "date": "2016-01-12",
        "payment_id": "demo-payment-2016-01",
    }


def test_demo_open_invoices_are_the_guides(runner, client, as_subscriber):
    seed_demo(runner)
    body = client.get("/invoices?start=2015-01-01&end=2016-12-31&status=open", headers=as_subscriber("99939999")).json
    assert [(row["number"], row["date"], row["amount"], row["balance"]) for row in body["items"]] == [
        ("528132", "2016-02-15", "108.00", "108.00"),
        ("528131", "2016-02-15", "107.95", "107.95"),
    ]


def test_account_without_payments_shows_zero_last_payment(client, account, as_subscriber):
    body = client.get("/account", headers=as_subscriber(account)).json
    assert body["payment_status"] == {
        "last_payment": {"amount": "0.00", "date": None, "payment_id": None},
        "outstanding_balance": "0.00",
        "payment_due": "0.00",
    }


def test_payment_due_counts_only_invoices_already_due(client, account, add_invoice, as_subscriber):
    add_invoice(account, "10.00", date="2020-01-01")
    future = (date.today() + timedelta(days=30)).isoformat()
    add_invoice(account, "25.50", date=date.today().isoformat(), due_date=future)
    status = client.get("/account", headers=as_subscriber(account)).json["payment_status"]
    assert (status["outstanding_balance"], status["payment_due"]) == ("35.50", "10.00")


def test_unknown_billing_account_is_404(client, as_subscriber):
    assert client.get("/account", headers=as_subscriber(unique_account())).status_code == 404


def test_billing_needs_a_token(client):
    response = client.get("/account")
    assert response.status_code == 401 and response.json["error"]["code"] == "missing_token"
