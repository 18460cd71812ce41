"""A payment's status is its row's version: a commit over a status another process changed stores nothing."""

from payment_helpers import body, pay
from sqlalchemy import update

from payment_service.extensions import db
from payment_service.models import OutboxEvent, Payment
from payment_service.payment_status import PaymentStatus
from payment_service.unit_of_work import SqlUnitOfWork


def _refund_emails(payment_id):
    return [
        event
        for event in db.session.query(OutboxEvent).filter_by(type="payment.refund")
        if event.data.get("payment_id") == payment_id
    ]


def test_a_payment_another_process_moved_on_keeps_that_outcome(app, client, auth, new_invoice):
    payment_id = pay(client, auth, body([(new_invoice("5.00"), "5.00")])).json["id"]
    with app.app_context():
        uow = SqlUnitOfWork()
        payment = uow.get_payment(payment_id)
        assert payment.status is PaymentStatus.SUCCEEDED
        with db.engine.begin() as other_process:
            other_process.execute(update(Payment).where(Payment.id == payment_id).values(status="voided"))
        payment.reverse(PaymentStatus.REFUNDED)
        uow.add_event("payment.refund", payment.account, None, {"payment_id": payment_id})
        assert uow.commit() is False
        assert payment.status is PaymentStatus.VOIDED
        assert _refund_emails(payment_id) == []
        db.session.remove()
    assert client.get(f"/payments/{payment_id}", headers=auth).json["status"] == "voided"


def test_a_commit_over_an_unchanged_status_stores_the_move(app, client, auth, new_invoice):
    payment_id = pay(client, auth, body([(new_invoice("5.00"), "5.00")])).json["id"]
    with app.app_context():
        uow = SqlUnitOfWork()
        uow.get_payment(payment_id).reverse(PaymentStatus.REFUNDED)
        assert uow.commit() is True
        db.session.remove()
    assert client.get(f"/payments/{payment_id}", headers=auth).json["status"] == "refunded"
