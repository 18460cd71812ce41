"""Subscriber endpoints: pay, and the account's payments. The account comes from the token only."""

from flask import current_app, g
from flask_smorest import Blueprint

from billpay_common.tokens import account_required

from . import payments
from .autopay_api import client_address
from .metrics import counted
from .schemas import (
    IdempotencyHeaderSchema,
    PageQuerySchema,
    PaymentInSchema,
    PaymentLimitsSchema,
    PaymentPageSchema,
    PaymentSchema,
)

# The payment's schemas as instances: given a class, webargs builds a schema (and its nested ones) per request.
blp = Blueprint("payments", __name__, url_prefix="/payments", description="Paying invoices by card")


@blp.post("")
@account_required
@blp.arguments(IdempotencyHeaderSchema(), location="headers")
@blp.arguments(PaymentInSchema())
@blp.response(201, PaymentSchema)
@blp.alt_response(402, description="card_declined, whatever the processor's reason (the office sees the reason)")
@blp.alt_response(409, description="amount_exceeds_balance or idempotency_key_in_use")
@blp.alt_response(422, description="invalid, amount_too_small or amount_too_large (PAYMENT_MIN/MAX_AMOUNT), ...")
@blp.alt_response(429, description="too_many_declines: nothing reserved or charged; Retry-After says when to try")
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
            ach_authorization=body.get("ach_authorization"),
            client_address=client_address(),
        )
    )


@blp.get("")
@account_required
@blp.arguments(PageQuerySchema(), location="query")
@blp.response(200, PaymentPageSchema)
def list_payments(query):
    return payments.list_payments(g.account, query["page"], query["per_page"])


@blp.get("/limits")
@account_required
@blp.response(200, PaymentLimitsSchema)
def limits():
    """The smallest and largest payment taken (PAYMENT_MIN_AMOUNT, PAYMENT_MAX_AMOUNT), for forms to check."""
    return {
        "min_amount": current_app.config["PAYMENT_MIN_AMOUNT"],
        "max_amount": current_app.config["PAYMENT_MAX_AMOUNT"],
    }


@blp.get("/<payment_id>")
@account_required
@blp.response(200, PaymentSchema)
def get_payment(payment_id):
    return payments.get_payment(g.account, payment_id)
