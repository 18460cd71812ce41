"""Payments: find them, the pending ones, refund (a large refund waits for a second supervisor), approvals; and
AutoPay's exceptions (suspended after the last failed retry)."""

from urllib.parse import urlencode

from flask import render_template, request

from billpay_common.staff_auth import SUPERVISOR, VIEWER

from . import console, staff
from .accounts import segment

STATUSES = (
    "",
    "processing",
    "pending",
    "succeeded",
    "declined",
    "failed",
    "refunded",
    "voided",
    "disputed",
    "charged_back",
)


@console.get("/payments")
@staff.role_required(VIEWER)
def payments():
    query = {key: request.args.get(key, "").strip() for key in ("account", "status", "start", "end")}
    path = "/ops/payments/pending" if query["status"] == "pending" else "/ops/payments"
    clean = {key: value for key, value in query.items() if value and not (key == "status" and value == "pending")}
    page = staff.read("payment", f"{path}?{urlencode({**clean, 'per_page': 50})}")
    return render_template("console/payments.html", query=query, statuses=STATUSES, page=page)


@console.post("/payments/<payment_id>/refund")
@staff.role_required(SUPERVISOR)
def refund(payment_id):
    def done(answer):
        if answer.get("status") == "awaiting_approval":
            return f"The refund of {answer['amount']} is awaiting a second supervisor's approval."
        return f"Payment {payment_id} is {answer['status']}."

    staff.act("payment", "POST", f"/ops/payments/{segment(payment_id)}/refund", done=done)
    return staff.back("console.payments")


@console.get("/approvals")
@staff.role_required(VIEWER)
def approvals():
    waiting = staff.read("payment", "/ops/payments/reversals?status=awaiting_approval")
    return render_template("console/approvals.html", waiting=waiting)


@console.post("/approvals/<reversal_id>/<decision>")
@staff.role_required(SUPERVISOR)
def decide(reversal_id, decision):
    if decision not in ("approve", "reject"):
        return render_template("console/error.html", title="Not Found", message="No such decision."), 404

    def done(answer):
        return f"The refund of {answer['amount']} is {answer['status'].replace('_', ' ')}."

    staff.act("payment", "POST", f"/ops/payments/reversals/{segment(reversal_id)}/{decision}", done=done)
    return staff.back("console.approvals")


@console.get("/autopay-exceptions")
@staff.role_required(VIEWER)
def autopay_exceptions():
    return render_template("console/autopay.html", suspended=staff.read("payment", "/ops/autopay/exceptions"))
