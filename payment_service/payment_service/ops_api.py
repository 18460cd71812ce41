"""The accounting office's endpoints (ops credential): find payments, see pending ones, refund or void; see and
lift card-testing blocks."""

from datetime import datetime, time, timedelta

from flask import g
from flask_smorest import Blueprint

from billpay_common.ops import ops_required

from . import declines, refunds
from .schemas import (
    BlockAuditEntrySchema,
    BlockAuditQuerySchema,
    BlockSubjectSchema,
    LiftedBlockSchema,
    OpsPaymentPageSchema,
    OpsPaymentSchema,
    OpsQuerySchema,
)

blp = Blueprint("ops_payments", __name__, url_prefix="/ops/payments", description="Accounting office: payments")


@blp.get("")
@ops_required
@blp.arguments(OpsQuerySchema, location="query")
@blp.response(200, OpsPaymentPageSchema)
def list_payments(query):
    start = datetime.combine(query["start"], time()) if query.get("start") else None
    end = datetime.combine(query["end"] + timedelta(days=1), time()) if query.get("end") else None
    return refunds.list_for_ops(query.get("account"), start, end, query.get("status"), query["page"], query["per_page"])


@blp.get("/pending")
@ops_required
@blp.arguments(OpsQuerySchema, location="query")
@blp.response(200, OpsPaymentPageSchema)
def pending(query):
    return refunds.list_for_ops(query.get("account"), status="pending", page=query["page"], per_page=query["per_page"])


@blp.post("/<payment_id>/refund")
@ops_required
@blp.response(200, OpsPaymentSchema)
def refund(payment_id):
    return refunds.reverse_payment(payment_id, "refund")


@blp.post("/<payment_id>/void")
@ops_required
@blp.response(200, OpsPaymentSchema)
def void(payment_id):
    return refunds.reverse_payment(payment_id, "void")


blocks = Blueprint(
    "ops_card_testing",
    __name__,
    url_prefix="/ops/card-testing-blocks",
    description="Accounting office: payment attempts refused for too many declines, and lifting those blocks",
)


@blocks.get("")
@ops_required
@blocks.arguments(BlockAuditQuerySchema, location="query")
@blocks.response(200, BlockAuditEntrySchema(many=True))
def block_audit(query):
    return declines.audit_log(query.get("account"), query.get("subject"), query["limit"])


@blocks.delete("/<kind>/<path:subject>")
@ops_required
@blocks.arguments(BlockSubjectSchema, location="path")
@blocks.response(200, LiftedBlockSchema)
def lift_block(path, kind, subject):
    """Lift the block of one account, client address or card fingerprint (as the audit names it)."""
    return declines.lift(path["kind"], path["subject"], g.actor)
