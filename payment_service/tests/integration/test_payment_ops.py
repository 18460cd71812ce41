from decimal import Decimal

from payment_helpers import body, pay

from payment_service.extensions import db
from payment_service.models import OutboxEvent


def test_ops_endpoints_need_a_staff_token(client, auth):
    assert client.get("/ops/payments").status_code == 401
    assert client.get("/ops/payments", headers={"X-Ops-Key": "the-old-shared-key"}).status_code == 401
    assert client.get("/ops/payments", headers=auth).status_code == 401


def test_ops_list_by_account_and_pending(client, auth, ops, account, new_invoice):
    paid = pay(client, auth, body([(new_invoice("5.00"), "5.00")])).json
    pending = pay(client, auth, body([(new_invoice("5.00"), "5.00")], number="4000000000000119")).json
    listed = client.get(f"/ops/payments?account={account}", headers=ops).json
    assert {item["id"] for item in listed["items"]} == {paid["id"], pending["id"]}
    today = paid["created_at"][:10]
    assert client.get(f"/ops/payments?account={account}&start={today}&end={today}", headers=ops).json["total"] == 2
    assert client.get(f"/ops/payments?account={account}&end=2000-01-01", headers=ops).json["total"] == 0
    waiting = client.get(f"/ops/payments/pending?account={account}", headers=ops).json["items"]
    assert [item["id"] for item in waiting] == [pending["id"]]


def test_refund_restores_balances_and_queues_one_refund_email(app, client, auth, ops, new_invoice, invoice_service):
    invoice = new_invoice("80.00")
    payment = pay(client, auth, body([(invoice, "80.00")])).json
    assert invoice_service.balance(invoice) == Decimal("0.00")
    first = client.post(f"/ops/payments/{payment['id']}/refund", headers=ops)
    again = client.post(f"/ops/payments/{payment['id']}/refund", headers=ops)
    assert first.status_code == again.status_code == 200
    assert first.json["status"] == again.json["status"] == "refunded"
    assert invoice_service.balance(invoice) == Decimal("80.00")
    with app.app_context():
        events = db.session.query(OutboxEvent).filter_by(type="payment.refund").all()
        mine = [event for event in events if event.data["payment_id"] == payment["id"]]
        assert len(mine) == 1 and mine[0].data["amount"] == "80.00"


def test_void_and_refusals(client, auth, ops, runner, new_invoice):
    payment = pay(client, auth, body([(new_invoice("9.00"), "9.00")])).json
    assert client.post(f"/ops/payments/{payment['id']}/void", headers=ops).json["status"] == "voided"
    declined = pay(client, auth, body([(new_invoice("9.00"), "9.00")], number="4000000000000002"))
    assert declined.status_code == 402
    assert client.post("/ops/payments/nope/refund", headers=ops).status_code == 404
    by_cli = pay(client, auth, body([(new_invoice("9.00"), "9.00")])).json
    result = runner.invoke(args=["refund", by_cli["id"]])
    assert result.exit_code == 0 and "refunded" in result.output
    assert runner.invoke(args=["refund", "nope"]).exit_code != 0
