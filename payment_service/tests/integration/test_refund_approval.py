"""Refunds and voids are recorded with who, what, how much and when; a refund above REFUND_APPROVAL_THRESHOLD
(500.00 by default) reaches the processor only once a second, different supervisor approves it."""

from decimal import Decimal

from payment_helpers import body, pay, sandbox_charges


def _reference(app, payment_id):
    from payment_service.extensions import db
    from payment_service.models import Payment

    with app.app_context():
        return db.session.get(Payment, payment_id).processor_reference


def _paid(client, auth, new_invoice, amount):
    payment = pay(client, auth, body([(new_invoice(amount), amount)])).json
    assert payment["status"] == "succeeded", payment
    return payment


def test_a_clerk_cannot_refund_and_a_viewer_cannot_void(client, auth, new_invoice, tokens):
    payment = _paid(client, auth, new_invoice, "12.00")
    clerk = client.post(f"/ops/payments/{payment['id']}/refund", headers=tokens.staff_headers("cl-a", "clerk"))
    assert clerk.status_code == 403 and "supervisor role" in clerk.json["error"]["message"]
    viewer = client.post(f"/ops/payments/{payment['id']}/void", headers=tokens.staff_headers("vi-a", "viewer"))
    assert viewer.status_code == 403


def test_a_refund_within_the_threshold_is_done_and_recorded_with_its_supervisor(client, auth, new_invoice, tokens):
    payment = _paid(client, auth, new_invoice, "500.00")
    headers = {**tokens.staff_headers("sup-ann", "supervisor"), "X-Ops-Actor": "somebody-else"}
    refunded = client.post(f"/ops/payments/{payment['id']}/refund", headers=headers)
    assert refunded.status_code == 200 and refunded.json["status"] == "refunded"
    [record] = client.get(f"/ops/payments/reversals?payment_id={payment['id']}", headers=headers).json
    assert (record["kind"], record["amount"], record["status"]) == ("refund", "500.00", "done")
    assert record["requested_by"] == "staff:sup-ann" and record["requested_at"] and record["decided_by"] is None


def test_a_refund_above_the_threshold_waits_for_a_second_supervisor(
    app, client, auth, new_invoice, tokens, invoice_service
):
    invoice = new_invoice("750.00")
    payment = pay(client, auth, body([(invoice, "750.00")])).json
    first, second = tokens.staff_headers("sup-bo", "supervisor"), tokens.staff_headers("sup-cy", "supervisor")
    asked = client.post(f"/ops/payments/{payment['id']}/refund", headers=first)
    assert asked.status_code == 202 and asked.json["status"] == "awaiting_approval"
    assert asked.json["requested_by"] == "staff:sup-bo" and asked.json["amount"] == "750.00"
    assert sandbox_charges(app, reference=_reference(app, payment["id"]), status="refunded") == 0
    assert client.post(f"/ops/payments/{payment['id']}/refund", headers=first).json["id"] == asked.json["id"]
    waiting = client.get("/ops/payments/reversals?status=awaiting_approval", headers=second).json
    assert asked.json["id"] in [item["id"] for item in waiting]
    assert invoice_service.balance(invoice) == Decimal("0.00")

    own = client.post(f"/ops/payments/reversals/{asked.json['id']}/approve", headers=first)
    assert own.status_code == 409 and "second supervisor" in own.json["error"]["message"]
    clerk = tokens.staff_headers("cl-b", "clerk")
    assert client.post(f"/ops/payments/reversals/{asked.json['id']}/approve", headers=clerk).status_code == 403

    approved = client.post(f"/ops/payments/reversals/{asked.json['id']}/approve", headers=second)
    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "done" and approved.json["decided_by"] == "staff:sup-cy"
    assert sandbox_charges(app, reference=_reference(app, payment["id"]), status="refunded") == 1
    assert invoice_service.balance(invoice) == Decimal("750.00")
    again = client.post(f"/ops/payments/reversals/{asked.json['id']}/approve", headers=second)
    assert again.status_code == 409


def test_a_rejected_refund_never_reaches_the_processor(app, client, auth, account, new_invoice, tokens):
    payment = _paid(client, auth, new_invoice, "900.00")
    asked = client.post(f"/ops/payments/{payment['id']}/refund", headers=tokens.staff_headers("sup-di", "supervisor"))
    rejected = client.post(
        f"/ops/payments/reversals/{asked.json['id']}/reject", headers=tokens.staff_headers("sup-ed", "supervisor")
    )
    assert rejected.status_code == 200 and rejected.json["status"] == "rejected"
    assert sandbox_charges(app, reference=_reference(app, payment["id"]), status="refunded") == 0
    listed = client.get(f"/ops/payments?account={account}", headers=tokens.staff_headers("v", "viewer"))
    assert [item["status"] for item in listed.json["items"] if item["id"] == payment["id"]] == ["succeeded"]


def test_a_void_is_recorded_with_who_and_how_much(client, auth, new_invoice, tokens):
    payment = _paid(client, auth, new_invoice, "9.00")
    headers = tokens.staff_headers("sup-fay", "supervisor")
    assert client.post(f"/ops/payments/{payment['id']}/void", headers=headers).json["status"] == "voided"
    [record] = client.get(f"/ops/payments/reversals?payment_id={payment['id']}", headers=headers).json
    assert (record["kind"], record["amount"], record["requested_by"]) == ("void", "9.00", "staff:sup-fay")
