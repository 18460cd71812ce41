import threading
from decimal import Decimal

from payment_helpers import body, key, pay, sandbox_charges


def test_same_key_and_body_answers_the_first_payment_without_a_second_charge(
    app, client, auth, new_invoice, invoice_service
):
    invoice, idempotency_key = new_invoice("40.00"), key()
    first = pay(client, auth, body([(invoice, "15.00")]), idempotency_key)
    again = pay(client, auth, body([(invoice, "15.00")]), idempotency_key)
    assert first.status_code == again.status_code == 201
    assert again.json["id"] == first.json["id"]
    assert sandbox_charges(app, reference=first.json["id"]) == 1
    assert invoice_service.balance(invoice) == Decimal("25.00")


def test_same_key_with_another_body_is_422(client, auth, new_invoice):
    invoice, idempotency_key = new_invoice("40.00"), key()
    assert pay(client, auth, body([(invoice, "15.00")]), idempotency_key).status_code == 201
    response = pay(client, auth, body([(invoice, "16.00")]), idempotency_key)
    assert response.status_code == 422 and response.json["error"]["code"] == "idempotency_key_reused"


def test_a_decline_is_answered_again_for_the_same_key(client, auth, new_invoice):
    invoice, idempotency_key = new_invoice("40.00"), key()
    payload = body([(invoice, "15.00")], number="4000000000000002")
    assert pay(client, auth, payload, idempotency_key).status_code == 402
    again = pay(client, auth, payload, idempotency_key)
    assert again.status_code == 402 and again.json["error"]["code"] == "card_declined"


def test_one_key_from_two_accounts_makes_two_payments(client, auth, tokens, new_invoice):
    idempotency_key = key()
    assert pay(client, auth, body([(new_invoice("5.00"), "5.00")]), idempotency_key).status_code == 201
    other = tokens.headers("1777777777")
    response = pay(client, other, body([(new_invoice("5.00", owner="1777777777"), "5.00")]), idempotency_key)
    assert response.status_code == 201


def _in_threads(count, action):
    results, start = [None] * count, threading.Barrier(count)

    def run(index):
        start.wait()
        results[index] = action()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_fifty_concurrent_submissions_with_one_key_charge_once(app, auth, new_invoice, invoice_service):
    invoice, idempotency_key = new_invoice("100.00"), key()
    payload = body([(invoice, "60.00")])

    def submit():
        response = pay(app.test_client(), auth, payload, idempotency_key)
        return response.status_code, (response.json.get("id") if response.status_code == 201 else None)

    results = _in_threads(50, submit)
    statuses = {status for status, _ in results}
    assert statuses <= {201, 409}, results
    payment_ids = {payment_id for status, payment_id in results if status == 201}
    assert len(payment_ids) == 1
    assert sandbox_charges(app, reference=payment_ids.pop()) == 1
    assert invoice_service.balance(invoice) == Decimal("40.00")


def test_two_keys_paying_the_full_balance_at_once_charge_once(app, auth, new_invoice, invoice_service):
    invoice = new_invoice("75.00")
    payload = body([(invoice, "75.00")])
    results = _in_threads(2, lambda: pay(app.test_client(), auth, payload, key()))
    assert sorted(response.status_code for response in results) == [201, 409]
    refused = next(response for response in results if response.status_code == 409)
    assert refused.json["error"]["code"] == "amount_exceeds_balance"
    assert invoice_service.balance(invoice) == Decimal("0.00")
