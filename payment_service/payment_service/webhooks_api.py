"""Stripe's webhook endpoint: the signature is checked over the raw body before anything is read from it."""

from flask import request
from flask_smorest import Blueprint

from . import webhooks

blp = Blueprint("webhooks", __name__, url_prefix="/webhooks", description="Card processor events")


@blp.post("/stripe")
@blp.response(200)
@blp.alt_response(400, description="bad_signature: not signed with STRIPE_WEBHOOK_SECRET; nothing changed")
@blp.alt_response(409, description="not_yet: the payment is still being charged; Stripe delivers it again")
def stripe_event():
    event = webhooks.verified_event(request.get_data(), request.headers.get("Stripe-Signature"))
    return {"received": event.id, "outcome": webhooks.apply_event(event)}
