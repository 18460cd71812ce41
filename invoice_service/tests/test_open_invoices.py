"""POST /internal/open-invoices: what AutoPay's run charges, a batch of accounts in one call."""

from test_reservations import payment_id, reserve

from devtools.testing import unique_account
from invoice_service.schemas import OPEN_INVOICES_ACCOUNTS_MAX
from tests.support.accounts import billing_account


def open_invoices(client, internal, accounts, due_by="2024-03-01"):
    return client.post("/internal/open-invoices", json={"accounts": accounts, "due_by": due_by}, headers=internal)


def test_each_accounts_open_invoices_due_by_the_day_oldest_due_first_with_what_payments_in_flight_hold(
    client, internal, account, ops, add_invoice
):
    later = add_invoice(account, "30.00", date="2024-02-01", due_date="2024-02-20")
    first = add_invoice(account, "50.00", date="2024-01-01", due_date="2024-01-20")
    add_invoice(account, "70.00", date="2024-03-01", due_date="2024-03-20")  # not due by the day asked
    assert reserve(client, internal, account, (later, "10.00")).status_code == 201

    answer = open_invoices(client, internal, [account])

    assert answer.status_code == 200, answer.json
    [entry] = answer.json["accounts"]
    assert entry["account"] == account
    assert [(row["number"], row["due_date"], row["balance"], row["reserved"]) for row in entry["invoices"]] == [
        (first, "2024-01-20", "50.00", "0.00"),
        (later, "2024-02-20", "30.00", "10.00"),
    ]


def test_accounts_come_in_the_order_asked_and_those_with_nothing_open_or_unknown_are_left_out(
    client, internal, add_invoice, ops, account
):
    second = unique_account()
    assert client.post("/ops/accounts", json=billing_account(second), headers=ops).status_code == 201
    paid_up = unique_account()
    assert client.post("/ops/accounts", json=billing_account(paid_up), headers=ops).status_code == 201
    add_invoice(account, "20.00", due_date="2024-01-20")
    add_invoice(second, "40.00", due_date="2024-01-20")
    settled = add_invoice(paid_up, "15.00", due_date="2024-01-20")
    pid = payment_id()
    assert reserve(client, internal, paid_up, (settled, "15.00"), pid=pid).status_code == 201
    confirm = {"paid_at": "2024-01-10T10:00:00+00:00", "brand": "visa", "last4": "4242"}
    assert client.post(f"/internal/reservations/{pid}/confirm", json=confirm, headers=internal).status_code == 200

    answer = open_invoices(client, internal, [second, "NO-SUCH-ACCOUNT", paid_up, account])

    assert answer.status_code == 200, answer.json
    assert [entry["account"] for entry in answer.json["accounts"]] == [second, account]


def test_a_batch_needs_one_to_the_most_accounts_and_a_day(client, internal, account):
    for body, field in [
        ({"accounts": [], "due_by": "2024-03-01"}, "accounts"),
        ({"accounts": [account] * (OPEN_INVOICES_ACCOUNTS_MAX + 1), "due_by": "2024-03-01"}, "accounts"),
        ({"accounts": [account]}, "due_by"),
        ({"accounts": [account], "due_by": "1 March"}, "due_by"),
        ({"accounts": ["x" * 21], "due_by": "2024-03-01"}, "accounts.0"),
    ]:
        refused = client.post("/internal/open-invoices", json=body, headers=internal)
        assert refused.status_code == 422, body
        assert list(refused.json["error"]["fields"]) == [field], refused.json


def test_only_payment_service_may_list_them(client, other_service, account):
    assert open_invoices(client, {}, [account]).status_code == 401
    refused = open_invoices(client, other_service, [account])
    assert refused.status_code == 403 and refused.json["error"]["code"] == "caller_not_allowed"
