import threading
import uuid

import pytest

from billpay_common.errors import Conflict
from invoice_service import reservations
from invoice_service.extensions import db


def payment_id():
    return "pay_" + uuid.uuid4().hex


def reserve(client, internal, account, *allocations, pid=None):
    body = {
        "payment_id": pid or payment_id(),
        "account": account,
        "allocations": [{"invoice": number, "amount": amount} for number, amount in allocations],
    }
    return client.post("/internal/reservations", json=body, headers=internal)


def balance(client, as_subscriber, account, number):
    return client.get(f"/invoices/{number}", headers=as_subscriber(account)).json["balance"]


def test_internal_endpoints_need_the_service_key(client, account):
    assert client.get(f"/internal/accounts/{account}").status_code == 401
    assert client.get(f"/internal/accounts/{account}", headers={"X-Service-Key": "wrong"}).status_code == 403


def test_reserve_without_a_credential_is_401(client, account, add_invoice):
    number = add_invoice(account, "50.00")
    refused = reserve(client, {}, account, (number, "10.00"))
    assert refused.status_code == 401
    assert refused.json["error"]["code"] == "missing_credential"
    assert "X-Service-Key" in refused.json["error"]["message"]


def test_only_payment_service_may_reserve_confirm_release_or_reverse(
    client, other_service, as_subscriber, account, add_invoice
):
    number = add_invoice(account, "50.00")
    refused = reserve(client, other_service, account, (number, "10.00"))
    assert refused.status_code == 403
    assert refused.json["error"] == {
        "code": "caller_not_allowed",
        "message": "notification_service may not call this endpoint; only payment_service may.",
    }
    pid = payment_id()
    confirm_body = {"paid_at": "2026-01-05T10:00:00+00:00", "brand": "visa", "last4": "4242"}
    for path, body in [
        (f"/internal/reservations/{pid}/confirm", confirm_body),
        (f"/internal/reservations/{pid}/release", {}),
        (f"/internal/payments/{pid}/reverse", {}),
    ]:
        answer = client.post(path, json=body, headers=other_service)
        assert answer.status_code == 403 and answer.json["error"]["code"] == "caller_not_allowed", path
    lookup = client.get(f"/internal/accounts/{account}", headers=other_service)
    assert lookup.status_code == 403
    assert balance(client, as_subscriber, account, number) == "50.00"


def test_payment_service_reserves_under_its_own_name(client, internal, account, add_invoice):
    number = add_invoice(account, "50.00")
    assert reserve(client, internal, account, (number, "10.00")).status_code == 201


def test_neither_a_subscriber_token_nor_the_office_key_is_a_service_credential(
    client, account, add_invoice, ops, tokens, as_subscriber
):
    number = add_invoice(account, "50.00")
    token = tokens.issue(account)
    as_service_key = reserve(client, {"X-Service-Key": token}, account, (number, "10.00"))
    assert as_service_key.status_code == 403 and as_service_key.json["error"]["code"] == "bad_credential"
    bearer = reserve(client, {"Authorization": f"Bearer {token}"}, account, (number, "10.00"))
    assert bearer.status_code == 401 and bearer.json["error"]["code"] == "missing_credential"
    office = reserve(client, ops, account, (number, "10.00"))
    assert office.status_code == 401 and office.json["error"]["code"] == "missing_credential"
    assert balance(client, as_subscriber, account, number) == "50.00"


def test_account_lookup(client, internal, account):
    assert client.get(f"/internal/accounts/{account}", headers=internal).json == {
        "account": account,
        "name": "Test, Subscriber",
        "email": "subscriber@example.com",
    }
    assert client.get("/internal/accounts/0000", headers=internal).status_code == 404


def test_reserving_more_than_the_open_balance_is_409(client, internal, account, add_invoice):
    number = add_invoice(account, "50.00")
    first = reserve(client, internal, account, (number, "30.00"))
    assert first.status_code == 201 and first.json["status"] == "reserved"
    refused = reserve(client, internal, account, (number, "20.01"))
    assert refused.status_code == 409 and refused.json["error"]["code"] == "amount_exceeds_balance"
    assert number in refused.json["error"]["message"]
    assert reserve(client, internal, account, (number, "20.00")).status_code == 201


def test_same_payment_id_reserves_once(client, internal, account, add_invoice):
    number = add_invoice(account, "50.00")
    pid = payment_id()
    first = reserve(client, internal, account, (number, "50.00"), pid=pid)
    again = reserve(client, internal, account, (number, "50.00"), pid=pid)
    assert first.status_code == again.status_code == 201 and first.json == again.json
    other = reserve(client, internal, account, (number, "10.00"), pid=pid)
    assert other.status_code == 409


def test_release_frees_the_amount(client, internal, account, add_invoice):
    number = add_invoice(account, "50.00")
    pid = reserve(client, internal, account, (number, "50.00")).json["payment_id"]
    assert reserve(client, internal, account, (number, "0.01")).status_code == 409
    for _ in range(2):
        released = client.post(f"/internal/reservations/{pid}/release", headers=internal)
        assert released.status_code == 200 and released.json["status"] == "released"
    assert reserve(client, internal, account, (number, "50.00")).status_code == 201
    assert client.post(f"/internal/reservations/{pid}/confirm", json={}, headers=internal).status_code == 409


def test_the_office_sees_what_payments_in_flight_hold(client, internal, account, add_invoice, ops):
    number = add_invoice(account, "50.00")
    pid = reserve(client, internal, account, (number, "30.00")).json["payment_id"]

    def listed():
        [row] = [
            row for row in client.get(f"/ops/accounts/{account}/invoices", headers=ops).json if row["number"] == number
        ]
        return row["balance"], row["reserved"]

    assert listed() == ("50.00", "30.00")
    client.post(f"/internal/reservations/{pid}/release", headers=internal)
    assert listed() == ("50.00", "0.00")


def test_confirm_applies_the_payment(client, internal, account, add_invoice, as_subscriber):
    first, second = add_invoice(account, "108.00"), add_invoice(account, "107.95")
    pid = reserve(client, internal, account, (first, "108.00"), (second, "7.95")).json["payment_id"]
    paid = {"paid_at": "2024-06-01T12:00:00Z", "brand": "Visa", "last4": "4242"}
    for _ in range(2):
        confirmed = client.post(f"/internal/reservations/{pid}/confirm", json=paid, headers=internal)
        assert confirmed.status_code == 200
        on_file = {"email": "subscriber@example.com", "name": "Test, Subscriber"}  # for the receipt
        assert confirmed.json == {"payment_id": pid, "status": "confirmed", "account": on_file}
    assert balance(client, as_subscriber, account, first) == "0.00"
    assert balance(client, as_subscriber, account, second) == "100.00"
    applied = client.get(f"/invoices/{second}/payments", headers=as_subscriber(account)).json["items"]
    assert applied == [{"payment_id": pid, "date": "2024-06-01", "amount": "7.95", "brand": "Visa", "last4": "4242"}]
    status = client.get("/account", headers=as_subscriber(account)).json["payment_status"]
    assert status["last_payment"] == {"amount": "115.95", "date": "2024-06-01", "payment_id": pid}
    assert status["outstanding_balance"] == "100.00"
    assert client.post(f"/internal/reservations/{pid}/release", headers=internal).status_code == 409


def test_reverse_restores_the_balances(client, internal, account, add_invoice, as_subscriber):
    number = add_invoice(account, "60.00")
    pid = reserve(client, internal, account, (number, "60.00")).json["payment_id"]
    client.post(f"/internal/reservations/{pid}/confirm", json={}, headers=internal)
    for _ in range(2):
        reversed_ = client.post(f"/internal/payments/{pid}/reverse", headers=internal)
        assert reversed_.status_code == 200 and reversed_.json["status"] == "reversed"
    assert balance(client, as_subscriber, account, number) == "60.00"
    assert client.get(f"/invoices/{number}/payments", headers=as_subscriber(account)).json["items"] == []
    status = client.get("/account", headers=as_subscriber(account)).json["payment_status"]
    assert status["last_payment"]["amount"] == "0.00" and status["outstanding_balance"] == "60.00"


def test_a_partial_refund_reopens_that_much_once_and_a_later_reversal_only_the_rest(
    client, internal, account, add_invoice, as_subscriber
):
    number = add_invoice(account, "60.00")
    pid = reserve(client, internal, account, (number, "60.00")).json["payment_id"]
    client.post(f"/internal/reservations/{pid}/confirm", json={}, headers=internal)
    part = {"allocations": [{"invoice": number, "refunded": "25.00"}]}
    for _ in range(2):  # the refunded total, not an increment: a repeat changes nothing
        refunded = client.post(f"/internal/payments/{pid}/refunds", json=part, headers=internal)
        assert refunded.status_code == 200 and refunded.json["status"] == "confirmed"
    assert balance(client, as_subscriber, account, number) == "25.00"
    [applied] = client.get(f"/invoices/{number}/payments", headers=as_subscriber(account)).json["items"]
    assert applied["amount"] == "35.00"
    too_much = {"allocations": [{"invoice": number, "refunded": "60.01"}]}
    refused = client.post(f"/internal/payments/{pid}/refunds", json=too_much, headers=internal)
    assert refused.status_code == 422 and refused.json["error"]["code"] == "refund_exceeds_payment"
    assert client.post(f"/internal/payments/{pid}/reverse", headers=internal).status_code == 200
    assert balance(client, as_subscriber, account, number) == "60.00"


def test_expired_reservations_no_longer_hold_amounts(app, client, internal, account, add_invoice):
    number = add_invoice(account, "20.00")
    with app.app_context():
        stale = reservations.reserve(payment_id(), account, [{"invoice": number, "amount": 20}], ttl_seconds=-1)
    assert reserve(client, internal, account, (number, "20.00")).status_code == 201
    confirm = client.post(f"/internal/reservations/{stale['payment_id']}/confirm", json={}, headers=internal)
    assert confirm.status_code == 409 and confirm.json["error"]["code"] == "amount_exceeds_balance"


def test_another_accounts_invoice_cannot_be_reserved(client, internal, account, add_invoice, ops):
    other = account + "7"
    client.post("/ops/accounts", json={"system_number": other, "name": "Other"}, headers=ops)
    theirs = add_invoice(other, "10.00")
    response = reserve(client, internal, account, (theirs, "1.00"))
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "allocations",
    [
        [],
        [{"invoice": "X1", "amount": "-1.00"}],
        [{"invoice": "X1", "amount": "0"}],
        [{"invoice": "X1", "amount": "1.001"}],
        [{"invoice": "X1", "amount": 1.5}],
        [{"invoice": "", "amount": "1"}],
        "nope",
    ],
)
def test_bad_reservations_are_422(client, internal, account, allocations):
    body = {"payment_id": payment_id(), "account": account, "allocations": allocations}
    assert client.post("/internal/reservations", json=body, headers=internal).status_code == 422


def test_unknown_payment_is_404(client, internal):
    for path in ("reservations/nope/confirm", "reservations/nope/release", "payments/nope/reverse"):
        assert client.post(f"/internal/{path}", json={}, headers=internal).status_code == 404


def test_concurrent_reservations_never_exceed_the_balance(app, client, account, add_invoice):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip(
            "SQLite serializes all writers; row locking is exercised on PostgreSQL (set INVOICE_SERVICE_DATABASE_URL)"
        )
    number = add_invoice(account, "100.00")
    barrier, outcomes = threading.Barrier(12), []

    def attempt():
        with app.app_context():
            barrier.wait()
            try:
                reservations.reserve(payment_id(), account, [{"invoice": number, "amount": 30}], 600)
                outcomes.append("reserved")
            except Conflict:
                db.session.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused"] * 9 + ["reserved"] * 3
