"""The accounting office's endpoints (a staff token with the role each names): find payments, see pending
ones, refund or void; see and lift card-testing blocks."""

from datetime import datetime, time, timedelta

from flask import g, jsonify
from flask_smorest import Blueprint

from billpay_common.staff_auth import SUPERVISOR, VIEWER, staff_required

from . import declines, refunds
from .models import Payment
from .schemas import (
    BlockAuditEntrySchema,
    BlockAuditQuerySchema,
    BlockSubjectSchema,
    LiftedBlockSchema,
    OpsPaymentPageSchema,
    OpsPaymentSchema,
    OpsQuerySchema,
    ReversalQuerySchema,
    ReversalSchema,
)

blp = Blueprint("ops_payments", __name__, url_prefix="/ops/payments", description="Accounting office: payments")


@blp.get("")
@staff_required(VIEWER)
@blp.arguments(OpsQuerySchema(), location="query")
@blp.response(200, OpsPaymentPageSchema)
def list_payments(query):
    start = datetime.combine(query["start"], time()) if query.get("start") else None
    end = datetime.combine(query["end"] + timedelta(days=1), time()) if query.get("end") else None
    return refunds.list_for_ops(query.get("account"), start, end, query.get("status"), query["page"], query["per_page"])


@blp.get("/pending")
@staff_required(VIEWER)
@blp.arguments(OpsQuerySchema(), location="query")
@blp.response(200, OpsPaymentPageSchema)
def pending(query):
    return refunds.list_for_ops(query.get("account"), status="pending", page=query["page"], per_page=query["per_page"])


def _reversed_or_waiting(done):
    """200 and the payment once reversed; 202 and the reversal while it awaits a second supervisor."""
    if isinstance(done, Payment):
        return done
    response = jsonify(ReversalSchema().dump(done))
    response.status_code = 202
    return response


@blp.post("/<payment_id>/refund")
@staff_required(SUPERVISOR)
@blp.response(200, OpsPaymentSchema)
@blp.alt_response(202, schema=ReversalSchema, description="above the approval threshold: awaiting approval")
def refund(payment_id):
    return _reversed_or_waiting(refunds.request_reversal(payment_id, "refund", g.actor))


@blp.post("/<payment_id>/void")
@staff_required(SUPERVISOR)
@blp.response(200, OpsPaymentSchema)
def void(payment_id):
    return _reversed_or_waiting(refunds.request_reversal(payment_id, "void", g.actor))


@blp.get("/reversals")
@staff_required(VIEWER)
@blp.arguments(ReversalQuerySchema(), location="query")
@blp.response(200, ReversalSchema(many=True))
def reversals(query):
    """Who refunded or voided what, how much and when; `?status=awaiting_approval` lists refunds to approve."""
    return refunds.reversals(query.get("status"), query.get("payment_id"), query["limit"])


@blp.post("/reversals/<reversal_id>/approve")
@staff_required(SUPERVISOR)
@blp.response(200, ReversalSchema)
def approve(reversal_id):
    """A second supervisor (not the one who asked) sends the refund to the processor."""
    return refunds.approve(reversal_id, g.actor)


@blp.post("/reversals/<reversal_id>/reject")
@staff_required(SUPERVISOR)
@blp.response(200, ReversalSchema)
def reject(reversal_id):
    return refunds.reject(reversal_id, g.actor)


blocks = Blueprint(
    "ops_card_testing",
    __name__,
    url_prefix="/ops/card-testing-blocks",
    description="Accounting office: payment attempts refused for too many declines, and lifting those blocks",
)


@blocks.get("")
@staff_required(VIEWER)
@blocks.arguments(BlockAuditQuerySchema, location="query")
@blocks.response(200, BlockAuditEntrySchema(many=True))
def block_audit(query):
    return declines.audit_log(query.get("account"), query.get("subject"), query["limit"])


@blocks.delete("/<kind>/<path:subject>")
@staff_required(SUPERVISOR)
@blocks.arguments(BlockSubjectSchema, location="path")
@blocks.response(200, LiftedBlockSchema)
def lift_block(path, kind, subject):
    """Lift the block of one account, client address or card fingerprint (as the audit names it)."""
    return declines.lift(path["kind"], path["subject"], g.actor)
