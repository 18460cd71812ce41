"""Internal endpoints for payment_service (its own X-Service-Key): account lookup and payment reservations."""

from flask import current_app
from flask_smorest import Blueprint

from billpay_common.errors import NotFound
from billpay_common.service_auth import service_required

from . import invoicing, reservations
from .extensions import db
from .models import BillingAccount
from .schemas import (
    ConfirmedSchema,
    ConfirmSchema,
    InternalAccountSchema,
    OpenInvoicesOfRequestSchema,
    OpenInvoicesOfSchema,
    PartialRefundSchema,
    ReservationRequestSchema,
    ReservationSchema,
    StatusSchema,
)

PAYMENT_SERVICE = "payment_service"
# Schemas as instances: given a class, webargs builds a schema (and its nested ones) for every request.
blp = Blueprint("internal", __name__, url_prefix="/internal", description="For payment_service")


@blp.get("/accounts/<account>")
@service_required(PAYMENT_SERVICE)
@blp.response(200, InternalAccountSchema)
def account(account):
    found = db.session.get(BillingAccount, account)
    if found is None:
        raise NotFound(f"There is no billing account {account}.")
    return found


@blp.post("/open-invoices")
@service_required(PAYMENT_SERVICE)
@blp.arguments(OpenInvoicesOfRequestSchema())
@blp.response(200, OpenInvoicesOfSchema())
def open_invoices_of(body):
    """For AutoPay's run: the open invoices of a batch of accounts in one call."""
    return {"accounts": invoicing.open_invoices_due_of(body["accounts"], body["due_by"])}


@blp.post("/reservations")
@service_required(PAYMENT_SERVICE)
@blp.arguments(ReservationRequestSchema())
@blp.response(201, ReservationSchema)
def reserve(body):
    return reservations.reserve(
        body["payment_id"], body["account"], body["allocations"], current_app.config["RESERVATION_TTL_SECONDS"]
    )


@blp.post("/reservations/<payment_id>/confirm")
@service_required(PAYMENT_SERVICE)
@blp.arguments(ConfirmSchema())
@blp.response(200, ConfirmedSchema())
def confirm(body, payment_id):
    return reservations.confirm(payment_id, body["paid_at"], body["brand"], body["last4"])


@blp.post("/reservations/<payment_id>/release")
@service_required(PAYMENT_SERVICE)
@blp.response(200, StatusSchema)
def release(payment_id):
    return reservations.release(payment_id)


@blp.post("/payments/<payment_id>/reverse")
@service_required(PAYMENT_SERVICE)
@blp.response(200, StatusSchema)
def reverse(payment_id):
    return reservations.reverse(payment_id)


@blp.post("/payments/<payment_id>/refunds")
@service_required(PAYMENT_SERVICE)
@blp.arguments(PartialRefundSchema())
@blp.response(200, StatusSchema)
def refund_part(body, payment_id):
    """Part of the payment was refunded (at the processor): its invoices get that much balance back."""
    refunded = {item["invoice"]: item["refunded"] for item in body["allocations"]}
    return reservations.refund_part(payment_id, refunded)
