"""Subscriber endpoints: pay, and the account's payments. The account comes from the token only."""

from flask import g
from flask_smorest import Blueprint

from billpay_common.tokens import account_required

from . import payments
from .metrics import counted
from .schemas import IdempotencyHeaderSchema, PageQuerySchema, PaymentInSchema, PaymentPageSchema, PaymentSchema

blp = Blueprint("payments", __name__, url_prefix="/payments", description="Paying invoices by card")


@blp.post("")
@account_required
@blp.arguments(IdempotencyHeaderSchema, location="headers")
@blp.arguments(PaymentInSchema)
@blp.response(201, PaymentSchema)
@blp.alt_response(402, description="declined: card_declined, insufficient_funds or incorrect_cvc")
@blp.alt_response(409, description="amount_exceeds_balance or idempotency_key_in_use")
@blp.alt_response(503, description="try_again_shortly: nothing was charged")
def pay(headers, body):
    return counted(
        lambda: payments.pay(
            g.account,
            g.token_claims.get("name", ""),
            headers["key"],
            body["allocations"],
            payment_method=body.get("payment_method"),
            profile_id=body.get("profile_id"),
            receipt_email=body.get("receipt_email"),
            save_card=body["save_card"],
        )
    )


@blp.get("")
@account_required
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, PaymentPageSchema)
def list_payments(query):
    return payments.list_payments(g.account, query["page"], query["per_page"])


@blp.get("/<payment_id>")
@account_required
@blp.response(200, PaymentSchema)
def get_payment(payment_id):
    return payments.get_payment(g.account, payment_id)
