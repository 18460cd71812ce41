"""Small helpers for the payment tests: a body, a key, a payment through the API."""
import uuid

CARD = {"number": "4242 4242 4242 4242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}


def card(number="4242424242424242", cvc=None):
    cvc = cvc or ("1234" if number.replace(" ", "")[:2] in ("34", "37") else "123")
    return {**CARD, "number": number, "cvc": cvc}


def body(allocations, number="4242424242424242", **extra):
    return {"allocations": [{"invoice": invoice, "amount": amount} for invoice, amount in allocations],
            "card": card(number), **extra}


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
