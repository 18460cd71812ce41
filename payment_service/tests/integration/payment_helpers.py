"""Small helpers for the payment tests: a body, a key, a payment through the API.

Cards are tokenized first through the real sandbox processor (the session's, set by conftest's use_sandbox), as
the sandbox's card fields do in the browser: payment_service's API only ever gets the token."""

import json
import urllib.request
import uuid

from tests.support import cards
from tests.support.sandbox import SECRET_KEY

SANDBOX = {"url": None}


def use_sandbox(url):
    SANDBOX["url"] = url


def token(number=cards.VISA, cvc=None, exp_month=12, exp_year=2031):
    return cards.token(SANDBOX["url"], number.replace(" ", ""), cvc, exp_month, exp_year)


def body(allocations, number=cards.VISA, **extra):
    return {
        "allocations": [{"invoice": invoice, "amount": amount} for invoice, amount in allocations],
        "payment_method": token(number),
        **extra,
    }


def key():
    return uuid.uuid4().hex


def pay(client, auth, payload, idempotency_key=None):
    headers = {**auth, "Idempotency-Key": idempotency_key or key()}
    return client.post("/payments", json=payload, headers=headers)


def sandbox_charge(reference):
    """The sandbox processor's own ledger entry for one reference (a payment's id), or None when it has none."""
    return _sandbox_get(f"/v1/charges/{reference}")


def sandbox_charges(app=None, reference=None, status=None):
    """How many charges the sandbox processor has on its ledger (of one reference, in that status: 0 or 1)."""
    if reference:
        charge = sandbox_charge(reference)
        return int(charge is not None and status in (None, charge["status"]))
    return _sandbox_get("/v1/charges")["total_count"]


def _sandbox_get(path):
    request = urllib.request.Request(SANDBOX["url"] + path, headers={"Authorization": f"Bearer {SECRET_KEY}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)
    except urllib.error.HTTPError as missing:
        if missing.code != 404:
            raise
        return None
