"""E-mail deliveries: the log (by account, by status), resending one, retrying the dead letters."""

from urllib.parse import urlencode

from flask import render_template, request

from billpay_common.staff_auth import CLERK, VIEWER

from . import console, staff
from .accounts import segment

STATUSES = ("", "queued", "sending", "sent", "retrying", "dead")


@console.get("/deliveries")
@staff.role_required(VIEWER)
def deliveries():
    query = {key: request.args.get(key, "").strip() for key in ("account", "status")}
    clean = {key: value for key, value in query.items() if value}
    listed = staff.read("notification", f"/ops/deliveries?{urlencode({**clean, 'limit': 100})}")
    return render_template("console/deliveries.html", query=query, statuses=STATUSES, deliveries=listed)


@console.post("/deliveries/<event_id>/resend")
@staff.role_required(CLERK)
def resend(event_id):
    staff.act("notification", "POST", f"/ops/deliveries/{segment(event_id)}/resend", done="The e-mail is queued again.")
    return staff.back("console.deliveries")


@console.post("/deliveries/retry-dead")
@staff.role_required(CLERK)
def retry_dead():
    staff.act(
        "notification",
        "POST",
        "/ops/deliveries/retry-dead",
        done=lambda answer: f"{answer['requeued']} dead letter(s) queued again.",
    )
    return staff.back("console.deliveries")
