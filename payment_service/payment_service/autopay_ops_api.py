"""The accounting office's AutoPay endpoints (a staff token: viewer to read, clerk to change; the actor is audited
on every change)."""

from flask import g, request
from flask_smorest import Blueprint

from billpay_common.clock import utcnow
from billpay_common.errors import Unavailable
from billpay_common.staff_auth import CLERK, VIEWER, staff_required

from . import autopay, autopay_ops
from .autopay_schemas import (
    AutoPaySchema,
    OpsAutoPayInSchema,
    OpsAutoPayListQuerySchema,
    OpsAutoPaySchema,
    UpcomingChargeSchema,
    UpcomingQuerySchema,
)
from .clients import ServiceUnavailable, invoice_client

blp = Blueprint("ops_autopay", __name__, url_prefix="/ops/autopay", description="Accounting office: AutoPay")


@blp.get("")
@staff_required(VIEWER)
@blp.arguments(OpsAutoPayListQuerySchema(), location="query")
@blp.response(200, AutoPaySchema(many=True))
def list_enrolled(query):
    return autopay_ops.listed(query["status"])


@blp.get("/exceptions")
@staff_required(VIEWER)
@blp.response(200, AutoPaySchema(many=True))
def exceptions():
    """Accounts whose AutoPay was suspended after the last failed retry."""
    return autopay_ops.listed(autopay.SUSPENDED)


@blp.get("/upcoming")
@staff_required(VIEWER)
@blp.arguments(UpcomingQuerySchema(), location="query")
@blp.response(200, UpcomingChargeSchema(many=True))
@blp.alt_response(503, description="try_again_shortly: invoice_service is not answering")
def upcoming(query):
    try:
        return autopay_ops.upcoming(utcnow().date(), query["days"], invoice_client())
    except ServiceUnavailable as down:
        raise Unavailable("invoice_service is not answering; try again shortly.", code="try_again_shortly") from down


@blp.get("/<account>")
@staff_required(VIEWER)
@blp.response(200, OpsAutoPaySchema)
def show(account):
    return autopay_ops.with_consents(account)


@blp.put("/<account>")
@staff_required(CLERK)
@blp.arguments(OpsAutoPayInSchema())
@blp.response(200, AutoPaySchema)
@blp.alt_response(404, description="not_found: no such saved card of the account")
@blp.alt_response(422, description="terms_changed or an expired card")
def enrol(body, account):
    """Enrol or change, on the subscriber's authorization (given to the office: by phone or on paper)."""
    return autopay.enrol(
        account,
        body["profile_id"],
        body["terms_version"],
        client_address=request.remote_addr,
        staff_actor=g.actor,
        ach_authorization=body.get("ach_authorization"),
    )


@blp.delete("/<account>")
@staff_required(CLERK)
@blp.response(200, AutoPaySchema)
@blp.alt_response(404, description="autopay_off: AutoPay is not on")
def turn_off(account):
    return autopay.turn_off(account, client_address=request.remote_addr, staff_actor=g.actor)
