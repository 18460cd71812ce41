"""Payment History: the account's payments, newest first, and each payment's detail."""

from flask import render_template, request

from . import portal
from .backend import login_required
from .pages import fetch, page_number, segment

PER_PAGE = 25


@portal.get("/payments")
@login_required
def payment_history():
    result = fetch("payment", "/payments", page=page_number(request.args.get("page")), per_page=PER_PAGE)
    return render_template("payment_history.html", result=result)


@portal.get("/payments/<payment_id>")
@login_required
def payment_detail(payment_id):
    payment = fetch("payment", f"/payments/{segment(payment_id)}")
    return render_template("payment_detail.html", payment=payment, confirmation=False)
