"""Internal endpoints for payment_service (X-Service-Key): account lookup and payment reservations."""

from flask import current_app
from flask_smorest import Blueprint

from billpay_common.errors import NotFound
from billpay_common.ops import service_required

from . import invoicing, reservations
from .extensions import db
from .models import BillingAccount
from .schemas import (
    ConfirmSchema,
    DueByQuerySchema,
    InternalAccountSchema,
    OpenInvoiceSchema,
    ReservationRequestSchema,
    ReservationSchema,
    StatusSchema,
)

blp = Blueprint("internal", __name__, url_prefix="/internal", description="For payment_service")


@blp.get("/accounts/<account>")
@service_required
@blp.response(200, InternalAccountSchema)
def account(account):
    found = db.session.get(BillingAccount, account)
    if found is None:
        raise NotFound(f"There is no billing account {account}.")
    return found


@blp.get("/accounts/<account>/open-invoices")
@service_required
@blp.arguments(DueByQuerySchema, location="query")
@blp.response(200, OpenInvoiceSchema(many=True))
def open_invoices(query, account):
    """For AutoPay: what falls due by a date, and what payments in flight already hold of it."""
    return invoicing.open_invoices_due(account, query["due_by"])


@blp.post("/reservations")
@service_required
@blp.arguments(ReservationRequestSchema)
@blp.response(201, ReservationSchema)
def reserve(body):
    return reservations.reserve(
        body["payment_id"], body["account"], body["allocations"], current_app.config["RESERVATION_TTL_SECONDS"]
    )


@blp.post("/reservations/<payment_id>/confirm")
@service_required
@blp.arguments(ConfirmSchema)
@blp.response(200, StatusSchema)
def confirm(body, payment_id):
    return reservations.confirm(payment_id, body["paid_at"], body["brand"], body["last4"])


@blp.post("/reservations/<payment_id>/release")
@service_required
@blp.response(200, StatusSchema)
def release(payment_id):
    return reservations.release(payment_id)


@blp.post("/payments/<payment_id>/reverse")
@service_required
@blp.response(200, StatusSchema)
def reverse(payment_id):
    return reservations.reverse(payment_id)
