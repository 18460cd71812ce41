"""Invoice adjustments (clerk) and voids (supervisor), from the account page."""

from flask import request

from billpay_common.staff_auth import CLERK, SUPERVISOR

from . import console, staff
from .accounts import segment


@console.post("/invoices/<number>/adjust")
@staff.role_required(CLERK)
def adjust(number):
    body = {"amount": request.form.get("amount", "").strip(), "reason": request.form.get("reason", "").strip()}

    def done(answer):
        return f"Invoice {number} adjusted by {body['amount']}: its balance is now {answer['balance']}."

    staff.act("invoice", "POST", f"/ops/invoices/{segment(number)}/adjustments", body, done)
    return staff.back("console.accounts")


@console.post("/invoices/<number>/void")
@staff.role_required(SUPERVISOR)
def void(number):
    body = {"reason": request.form.get("reason", "").strip()}
    staff.act("invoice", "POST", f"/ops/invoices/{segment(number)}/void", body, f"Invoice {number} is void.")
    return staff.back("console.accounts")
