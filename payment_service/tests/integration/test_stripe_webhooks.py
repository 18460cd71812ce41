"""Stripe's webhooks (signed, applied once) and a charge whose answer is lost, settled by look-up or by event."""

import contextlib
import copy
from decimal import Decimal

import pytest
from localstripe_server import API_KEY, DelayingProxy
from payment_helpers import key
from stripe_payments import pay_with_saved_card, saved_profile

from payment_service.extensions import db
from payment_service.models import OutboxEvent, ProcessedWebhookEvent
from payment_service.processor import current_processor
from payment_service.processor.stripe_processor import StripeProcessor
from payment_service.reconcile import reconcile_pending
from tests.support.stripe_events import WEBHOOK_SECRET, signed
from tests.support.waiting import wait_for

REFUND_NOTICE = "payment.refund"


def post_event(client, event, secret=WEBHOOK_SECRET):
    payload, signature = signed(event, secret)
    return client.post(
        "/webhooks/stripe", data=payload, headers={"Stripe-Signature": signature, "Content-Type": "application/json"}
    )


def event_about(obj, event_type):
    return {"id": f"evt_{key()[:20]}", "object": "event", "type": event_type, "data": {"object": obj}}


def status_of(client, auth, payment_id):
    return client.get(f"/payments/{payment_id}", headers=auth).json["status"]


def outbox_count(app, payment_id, event_type):
    with app.app_context():
        rows = db.session.query(OutboxEvent).filter_by(type=event_type).all()
        return sum(1 for row in rows if row.data.get("payment_id") == payment_id)


def charge_of(app, localstripe, payment_id):
    with app.app_context():
        intent_id = current_processor().intent_id(payment_id)
    intent = localstripe.client().v1.payment_intents.retrieve(intent_id, params={"expand": ["latest_charge"]})
    return intent.latest_charge


def test_a_bad_signature_is_400_and_changes_nothing(stripe_app, stripe_client, localstripe, new_invoice, auth, account):
    invoice = new_invoice("9.00")
    payment = pay_with_saved_card(stripe_app, stripe_client, auth, account, localstripe, invoice, "9.00")
    dispute = {
        "id": "dp_forged",
        "object": "dispute",
        "payment_intent": charge_of(stripe_app, localstripe, payment["id"]).payment_intent,
    }
    event = event_about(dispute, "charge.dispute.created")
    forged = post_event(stripe_client, event, secret="whsec_someone_else")
    assert forged.status_code == 400 and forged.json["error"]["code"] == "bad_signature"
    unsigned = stripe_client.post("/webhooks/stripe", json=event)
    assert unsigned.status_code == 400
    assert status_of(stripe_client, auth, payment["id"]) == "succeeded"
    with stripe_app.app_context():
        assert db.session.get(ProcessedWebhookEvent, event["id"]) is None


def test_a_refund_made_in_stripe_restores_the_balances_and_sends_the_notice_once(
    stripe_app, stripe_client, localstripe, new_invoice, invoice_service, auth, account
):
    invoice = new_invoice("40.00")
    payment = pay_with_saved_card(stripe_app, stripe_client, auth, account, localstripe, invoice, "40.00")
    assert invoice_service.balance(invoice) == Decimal("0.00")
    charge = charge_of(stripe_app, localstripe, payment["id"])
    localstripe.client().v1.refunds.create(params={"charge": charge.id})  # as the dashboard would
    refunded_charge = charge_of(stripe_app, localstripe, payment["id"])
    assert refunded_charge.amount_refunded == 4000
    event = event_about(refunded_charge.to_dict(), "charge.refunded")
    first = post_event(stripe_client, event)
    assert first.status_code == 200 and first.json["outcome"] == "refunded"
    again = post_event(stripe_client, copy.deepcopy(event))
    assert again.status_code == 200 and again.json["outcome"] == "duplicate"
    assert status_of(stripe_client, auth, payment["id"]) == "refunded"
    assert invoice_service.balance(invoice) == Decimal("40.00")
    assert outbox_count(stripe_app, payment["id"], REFUND_NOTICE) == 1


def test_a_dispute_marks_the_payment_disputed_for_the_office(
    stripe_app, stripe_client, localstripe, new_invoice, auth, account, tokens
):
    invoice = new_invoice("15.00")
    payment = pay_with_saved_card(stripe_app, stripe_client, auth, account, localstripe, invoice, "15.00")
    charge = charge_of(stripe_app, localstripe, payment["id"])
    dispute = {
        "id": "dp_1",
        "object": "dispute",
        "charge": charge.id,
        "payment_intent": charge.payment_intent,
        "amount": 1500,
    }
    answer = post_event(stripe_client, event_about(dispute, "charge.dispute.created"))
    assert answer.status_code == 200 and answer.json["outcome"] == "disputed"
    listed = stripe_client.get(
        "/ops/payments?status=disputed", headers=tokens.staff_headers("viewer-vi", "viewer")
    ).json
    assert payment["id"] in [item["id"] for item in listed["items"]]


def disputed_card_payment(stripe_app, stripe_client, localstripe, auth, account, invoice, amount):
    payment = pay_with_saved_card(stripe_app, stripe_client, auth, account, localstripe, invoice, amount)
    charge = charge_of(stripe_app, localstripe, payment["id"])
    dispute = {
        "id": f"dp_{key()[:12]}",
        "object": "dispute",
        "charge": charge.id,
        "payment_intent": charge.payment_intent,
    }
    assert post_event(stripe_client, event_about(dispute, "charge.dispute.created")).json["outcome"] == "disputed"
    return payment, dispute


def test_a_dispute_won_puts_the_payment_back_and_the_invoice_stays_paid(
    stripe_app, stripe_client, localstripe, new_invoice, invoice_service, auth, account
):
    invoice = new_invoice("21.00")
    payment, dispute = disputed_card_payment(stripe_app, stripe_client, localstripe, auth, account, invoice, "21.00")
    closed = event_about({**dispute, "status": "won"}, "charge.dispute.closed")
    assert post_event(stripe_client, closed).json["outcome"] == "succeeded"
    assert post_event(stripe_client, copy.deepcopy(closed)).json["outcome"] == "duplicate"
    assert status_of(stripe_client, auth, payment["id"]) == "succeeded"
    assert invoice_service.balance(invoice) == Decimal("0.00")


def test_a_dispute_lost_is_charged_back_and_the_invoice_owes_its_balance_again(
    stripe_app, stripe_client, localstripe, new_invoice, invoice_service, auth, account, tokens
):
    invoice = new_invoice("34.00")
    payment, dispute = disputed_card_payment(stripe_app, stripe_client, localstripe, auth, account, invoice, "34.00")
    closed = event_about({**dispute, "status": "lost"}, "charge.dispute.closed")
    assert post_event(stripe_client, closed).json["outcome"] == "charged_back"
    assert (
        post_event(stripe_client, event_about({**dispute, "status": "won"}, "charge.dispute.closed")).json["outcome"]
        == "already"
    )
    assert status_of(stripe_client, auth, payment["id"]) == "charged_back"
    assert invoice_service.balance(invoice) == Decimal("34.00")
    office = tokens.staff_headers("viewer-vi", "viewer")
    listed = stripe_client.get("/ops/payments?status=charged_back", headers=office).json
    assert payment["id"] in [item["id"] for item in listed["items"]]


@contextlib.contextmanager
def confirm_answers_late(stripe_app, localstripe):
    """For the block: the Stripe app reaches localstripe through a proxy that holds back confirms' answers."""
    proxy = DelayingProxy(localstripe.port, marker=b"/confirm", delay=2.5)
    original = stripe_app.extensions["payment_processor"]
    stripe_app.extensions["payment_processor"] = StripeProcessor(
        timeout=1.0, api_key=API_KEY, api_base=f"http://127.0.0.1:{proxy.port}"
    )
    try:
        yield
    finally:
        stripe_app.extensions["payment_processor"] = original
        proxy.close()


def pay_late(stripe_app, stripe_client, auth, account, localstripe, invoice, amount):
    profile_id = saved_profile(stripe_app, account, localstripe)
    with confirm_answers_late(stripe_app, localstripe):
        response = stripe_client.post(
            "/payments",
            json={"allocations": [{"invoice": invoice, "amount": amount}], "profile_id": profile_id},
            headers={**auth, "Idempotency-Key": key()},
        )
    assert response.status_code == 201 and response.json["status"] == "pending"
    return response.json["id"]


@pytest.fixture
def no_stripe_events(localstripe):
    """localstripe sends no payment events during the test: the test posts the ones it needs, when it needs."""
    with localstripe.webhooks_held_back():
        yield


def intents_for(localstripe, payment_id):
    every = localstripe.client().v1.payment_intents.list(params={"limit": 100}).auto_paging_iter()
    return [intent for intent in every if intent.metadata.to_dict().get("billpay_payment_id") == payment_id]


def test_a_late_answer_leaves_the_payment_pending_and_the_reconciler_settles_it_with_one_charge(
    no_stripe_events, stripe_app, stripe_client, localstripe, new_invoice, invoice_service, auth, account
):
    invoice = new_invoice("33.00")
    payment_id = pay_late(stripe_app, stripe_client, auth, account, localstripe, invoice, "33.00")
    assert invoice_service.held(invoice) == Decimal("33.00")
    with stripe_app.app_context():
        assert reconcile_pending()[payment_id] == "succeeded"
    assert status_of(stripe_client, auth, payment_id) == "succeeded"
    assert invoice_service.balance(invoice) == Decimal("0.00")
    assert [intent.status for intent in intents_for(localstripe, payment_id)] == ["succeeded"]
    assert outbox_count(stripe_app, payment_id, "payment.receipt") == 1


def test_the_succeeded_event_settles_a_pending_payment_once_before_the_reconciler(
    no_stripe_events, stripe_app, stripe_client, localstripe, new_invoice, invoice_service, auth, account
):
    invoice = new_invoice("21.00")
    payment_id = pay_late(stripe_app, stripe_client, auth, account, localstripe, invoice, "21.00")
    (intent,) = intents_for(localstripe, payment_id)
    event = event_about(intent.to_dict(), "payment_intent.succeeded")
    assert post_event(stripe_client, event).json["outcome"] == "succeeded"
    assert post_event(stripe_client, event).json["outcome"] == "duplicate"
    assert invoice_service.balance(invoice) == Decimal("0.00")
    with stripe_app.app_context():
        assert reconcile_pending().get(payment_id) is None
    assert outbox_count(stripe_app, payment_id, "payment.receipt") == 1


def test_the_failed_event_fails_a_pending_payment_and_releases_the_invoices(
    no_stripe_events, stripe_app, stripe_client, localstripe, new_invoice, invoice_service, auth, account
):
    invoice = new_invoice("18.00")
    payment_id = pay_late(stripe_app, stripe_client, auth, account, localstripe, invoice, "18.00")
    (intent,) = intents_for(localstripe, payment_id)
    failed = {**intent.to_dict(), "status": "requires_payment_method"}
    failed["last_payment_error"] = {"code": "card_declined", "message": "Your card was declined."}
    assert post_event(stripe_client, event_about(failed, "payment_intent.payment_failed")).json["outcome"] == "failed"
    payment = stripe_client.get(f"/payments/{payment_id}", headers=auth).json
    assert (payment["status"], payment["failure_code"]) == ("failed", "card_declined")
    assert invoice_service.held(invoice) == 0 and invoice_service.balance(invoice) == Decimal("18.00")


def test_localstripe_delivers_signed_events_that_are_recorded_once(
    stripe_app, stripe_client, localstripe, new_invoice, auth, account
):
    invoice = new_invoice("7.00")
    payment = pay_with_saved_card(stripe_app, stripe_client, auth, account, localstripe, invoice, "7.00")

    def delivered():
        with stripe_app.app_context():
            return db.session.query(ProcessedWebhookEvent).filter_by(payment_id=payment["id"]).all()

    (event,) = wait_for(delivered, timeout=15, what="localstripe's payment_intent.succeeded")
    assert event.type == "payment_intent.succeeded" and event.outcome == "already"


def test_an_event_about_a_payment_still_being_charged_is_left_for_a_later_delivery(stripe_app, stripe_client):
    from payment_service.models import Payment, new_id
    from payment_service.payment_status import INITIAL

    with stripe_app.app_context():
        payment = Payment(
            id=new_id(), account="12345678", status=INITIAL, amount=Decimal("5.00"), brand="Visa", last4="4242"
        )
        db.session.add(payment)
        db.session.commit()
        payment_id = payment.id
    intent = {"id": "pi_in_flight", "object": "payment_intent", "metadata": {"billpay_payment_id": payment_id}}
    event = event_about(intent, "payment_intent.succeeded")
    answer = post_event(stripe_client, event)
    assert answer.status_code == 409 and answer.json["error"]["code"] == "not_yet"
    with stripe_app.app_context():
        assert db.session.get(ProcessedWebhookEvent, event["id"]) is None
        assert db.session.get(Payment, payment_id).status == INITIAL


def refund_notices(app, payment_id):
    """The refund e-mails queued for a payment: (amount, {invoice: amount reopened}), oldest first."""
    with app.app_context():
        rows = db.session.query(OutboxEvent).filter_by(type=REFUND_NOTICE).order_by(OutboxEvent.id).all()
        return [
            (row.data["amount"], {item["invoice"]: item["amount"] for item in row.data["allocations"]})
            for row in rows
            if row.data.get("payment_id") == payment_id
        ]


def refund_in_stripe(stripe_app, localstripe, payment_id, cents=None):
    """A refund made in Stripe's dashboard, and the charge.refunded event Stripe then sends (signed)."""
    charge = charge_of(stripe_app, localstripe, payment_id)
    localstripe.client().v1.refunds.create(params={"charge": charge.id, **({"amount": cents} if cents else {})})
    return event_about(charge_of(stripe_app, localstripe, payment_id).to_dict(), "charge.refunded")


def test_partial_refunds_in_stripe_reopen_the_last_invoices_paid_once_each_then_a_full_refund_the_rest(
    stripe_app, stripe_client, localstripe, new_invoice, invoice_service, auth, account, tokens
):
    first_invoice, second_invoice = new_invoice("30.00"), new_invoice("20.00")
    payment = stripe_client.post(
        "/payments",
        json={
            "allocations": [
                {"invoice": first_invoice, "amount": "30.00"},
                {"invoice": second_invoice, "amount": "20.00"},
            ],
            "profile_id": saved_profile(stripe_app, account, localstripe, "4242424242424242"),
        },
        headers={**auth, "Idempotency-Key": key()},
    ).json
    assert payment["status"] == "succeeded", payment

    event = refund_in_stripe(stripe_app, localstripe, payment["id"], cents=1500)
    assert post_event(stripe_client, event).json["outcome"] == "partly_refunded"
    assert post_event(stripe_client, copy.deepcopy(event)).json["outcome"] == "duplicate"
    redelivered_under_another_id = {**copy.deepcopy(event), "id": f"evt_{key()[:20]}"}
    assert post_event(stripe_client, redelivered_under_another_id).json["outcome"] == "already"
    assert status_of(stripe_client, auth, payment["id"]) == "succeeded"
    assert invoice_service.balance(second_invoice) == Decimal("15.00")  # the last invoice paid is reopened first
    assert invoice_service.balance(first_invoice) == Decimal("0.00")
    assert refund_notices(stripe_app, payment["id"]) == [("15.00", {second_invoice: "15.00"})]

    event = refund_in_stripe(stripe_app, localstripe, payment["id"], cents=1000)  # 25.00 refunded in all
    assert post_event(stripe_client, event).json["outcome"] == "partly_refunded"
    assert invoice_service.balance(second_invoice) == Decimal("20.00")
    assert invoice_service.balance(first_invoice) == Decimal("5.00")
    office = stripe_client.get(
        f"/ops/payments?account={account}", headers=tokens.staff_headers("tester", "viewer")
    ).json["items"]
    assert [item["refunded_amount"] for item in office] == ["25.00"]

    event = refund_in_stripe(stripe_app, localstripe, payment["id"])  # the rest
    assert post_event(stripe_client, event).json["outcome"] == "refunded"
    assert status_of(stripe_client, auth, payment["id"]) == "refunded"
    assert invoice_service.balance(first_invoice) == Decimal("30.00")
    assert invoice_service.balance(second_invoice) == Decimal("20.00")
    assert refund_notices(stripe_app, payment["id"]) == [
        ("15.00", {second_invoice: "15.00"}),
        ("10.00", {first_invoice: "5.00", second_invoice: "5.00"}),
        ("25.00", {first_invoice: "25.00"}),
    ]
