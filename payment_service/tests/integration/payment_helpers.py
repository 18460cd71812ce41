"""Small helpers for the payment tests: a body, a key, a payment through the API."""

import uuid

from tests.support import cards

CARD = cards.card(cards.in_groups(cards.VISA), exp_year=2031)


def card(number=cards.VISA, cvc=None):
    cvc = cvc or ("1234" if number.replace(" ", "")[:2] in ("34", "37") else cards.CARD_CODE)
    return {**CARD, "number": number, "cvc": cvc}


def body(allocations, number=cards.VISA, **extra):
    return {
        "allocations": [{"invoice": invoice, "amount": amount} for invoice, amount in allocations],
        "card": card(number),
        **extra,
    }


def key():
    return uuid.uuid4().hex


def pay(client, auth, payload, idempotency_key=None):
    headers = {**auth, "Idempotency-Key": idempotency_key or key()}
    return client.post("/payments", json=payload, headers=headers)


def sandbox_charges(app, **where):
    """How many charges the sandbox processor has on its ledger (optionally filtered)."""
    from payment_service.extensions import db
    from payment_service.models import SandboxCharge

    with app.app_context():
        return db.session.query(SandboxCharge).filter_by(**where).count()
