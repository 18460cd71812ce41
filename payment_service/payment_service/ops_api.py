"""The accounting office's endpoints (a staff token with the role each names): find payments, see pending
ones, refund or void."""

from datetime import datetime, time, timedelta

from flask_smorest import Blueprint

from billpay_common.staff_auth import SUPERVISOR, VIEWER, staff_required

from . import refunds
from .schemas import OpsPaymentPageSchema, OpsPaymentSchema, OpsQuerySchema

blp = Blueprint("ops_payments", __name__, url_prefix="/ops/payments", description="Accounting office: payments")


@blp.get("")
@staff_required(VIEWER)
@blp.arguments(OpsQuerySchema, location="query")
@blp.response(200, OpsPaymentPageSchema)
def list_payments(query):
    start = datetime.combine(query["start"], time()) if query.get("start") else None
    end = datetime.combine(query["end"] + timedelta(days=1), time()) if query.get("end") else None
    return refunds.list_for_ops(query.get("account"), start, end, query.get("status"), query["page"], query["per_page"])


@blp.get("/pending")
@staff_required(VIEWER)
@blp.arguments(OpsQuerySchema, location="query")
@blp.response(200, OpsPaymentPageSchema)
def pending(query):
    return refunds.list_for_ops(query.get("account"), status="pending", page=query["page"], per_page=query["per_page"])


@blp.post("/<payment_id>/refund")
@staff_required(SUPERVISOR)
@blp.response(200, OpsPaymentSchema)
def refund(payment_id):
    return refunds.reverse_payment(payment_id, "refund")


@blp.post("/<payment_id>/void")
@staff_required(SUPERVISOR)
@blp.response(200, OpsPaymentSchema)
def void(payment_id):
    return refunds.reverse_payment(payment_id, "void")
