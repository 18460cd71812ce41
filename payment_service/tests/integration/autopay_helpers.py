"""Helpers for the AutoPay tests: a saved card, an enrolment, a run on a chosen day, what the outbox queued."""

from datetime import date

from payment_helpers import sandbox_charge, token

from payment_service import autopay_run
from payment_service.autopay_cli import run_autopay
from payment_service.autopay_pacing import Pacer
from payment_service.autopay_terms import CURRENT
from payment_service.clients import invoice_client
from payment_service.extensions import db
from payment_service.models import AutoPayAttempt, OutboxEvent, Payment
from payment_service.processor import current_processor
from tests.support import cards


def saved_card(client, auth, number=cards.VISA):
    response = client.post("/payment-profiles", json={"payment_method": token(number)}, headers=auth)
    assert response.status_code == 201, response.json
    return response.json["id"]


def enrol(client, auth, profile_id, address="203.0.113.7"):
    response = client.put(
        "/autopay",
        json={"profile_id": profile_id, "terms_version": CURRENT, "agree": True},
        headers={**auth, "X-Forwarded-For": address},
    )
    assert response.status_code == 200, response.json
    return response.json


def run_on(app, day: date, processor=None, concurrency=1):
    with app.app_context():
        if processor is None and concurrency == 1:
            return run_autopay(day)
        pacer = Pacer(app.config["AUTOPAY_RATE_LIMIT_PER_SECOND"])
        return autopay_run.run(
            day,
            invoices=invoice_client(),
            processor=processor or current_processor(),
            pacer=pacer,
            concurrency=concurrency,
        )


def events(app, account, event_type):
    with app.app_context():
        rows = db.session.query(OutboxEvent).filter_by(account=account, type=event_type).order_by(OutboxEvent.id)
        return [row.data for row in rows]


def charges_of(app, account):
    """The processor's charges for the account's payments: what the subscriber's card statement would show."""
    with app.app_context():
        ids = [payment.id for payment in db.session.query(Payment).filter_by(account=account)]
    entries = [sandbox_charge(reference) for reference in ids]
    return sum(1 for entry in entries if entry is not None and entry["status"] != "declined")


def attempts_of(app, account):
    with app.app_context():
        rows = db.session.query(AutoPayAttempt, Payment.status).join(Payment, Payment.id == AutoPayAttempt.payment_id)
        return [
            (attempt.invoice, attempt.attempt, status.value)
            for attempt, status in rows.filter(AutoPayAttempt.account == account).order_by(AutoPayAttempt.attempt)
        ]
