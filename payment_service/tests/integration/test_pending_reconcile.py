from decimal import Decimal

from payment_helpers import body, key, pay, sandbox_charges

from payment_service.reconcile import reconcile_pending


def test_timeout_is_pending_then_reconciled_with_one_charge(app, client, auth, new_invoice, invoice_service):
    invoice, idempotency_key = new_invoice("60.00"), key()
    response = pay(client, auth, body([(invoice, "60.00")], number="4000000000000119"), idempotency_key)
    assert response.status_code == 201 and response.json["status"] == "pending"
    payment_id = response.json["id"]
    assert invoice_service.held(invoice) == Decimal("60.00")
    assert invoice_service.balance(invoice) == Decimal("60.00")
    with app.app_context():
        assert reconcile_pending()[payment_id] == "succeeded"
        assert reconcile_pending().get(payment_id) is None
    assert client.get(f"/payments/{payment_id}", headers=auth).json["status"] == "succeeded"
    assert invoice_service.balance(invoice) == Decimal("0.00")
    assert sandbox_charges(app, reference=payment_id) == 1
    again = pay(client, auth, body([(invoice, "60.00")], number="4000000000000119"), idempotency_key)
    assert again.json["id"] == payment_id and again.json["status"] == "succeeded"
    assert sandbox_charges(app, reference=payment_id) == 1


def test_timeout_without_a_charge_is_released_and_failed(app, client, auth, new_invoice, invoice_service):
    invoice = new_invoice("60.00")
    response = pay(client, auth, body([(invoice, "60.00")], number="4000000000000259"))
    assert response.json["status"] == "pending"
    with app.app_context():
        assert reconcile_pending()[response.json["id"]] == "failed"
    payment = client.get(f"/payments/{response.json['id']}", headers=auth).json
    assert payment["status"] == "failed" and payment["failure_code"] == "not_charged"
    assert invoice_service.held(invoice) == 0 and invoice_service.balance(invoice) == Decimal("60.00")
    assert sandbox_charges(app, reference=response.json["id"]) == 0


def test_a_pending_payment_waits_while_invoice_service_is_down(app, client, auth, new_invoice, invoice_service):
    invoice = new_invoice("10.00")
    payment_id = pay(client, auth, body([(invoice, "10.00")], number="4000000000000119")).json["id"]
    invoice_service.down()
    try:
        with app.app_context():
            assert reconcile_pending()[payment_id] == "pending"
    finally:
        invoice_service.up()
    with app.app_context():
        assert reconcile_pending()[payment_id] == "succeeded"
    assert invoice_service.balance(invoice) == Decimal("0.00")
