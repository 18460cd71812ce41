"""Customers and SetupIntents over HTTP, as Stripe's API has them. The server's calls take the secret key; the
browser's (the sandbox's Stripe.js: read a SetupIntent, attach the collected bank account, confirm) take the
publishable key with the SetupIntent's client_secret, as Stripe's client endpoints do."""

import hmac

from flask import current_app, request
from flask_smorest import Blueprint

from billpay_common.errors import Unauthorized, Unprocessable

from . import setup_intents
from .api import _bearer, key_required
from .schemas import (
    ClientSecretSchema,
    CustomerInSchema,
    CustomerSchema,
    MicrodepositsSchema,
    SetupIntentConfirmSchema,
    SetupIntentInSchema,
    SetupIntentSchema,
    SetupIntentUpdateSchema,
)

blp = Blueprint("sandbox_setup_intents", __name__, url_prefix="/v1", description="Customers and SetupIntents")


def _is(setting):
    return hmac.compare_digest(_bearer().encode(), current_app.config[setting].encode())


def _setup_for_caller(setup_id, client_secret):
    """The secret key reads any SetupIntent; the publishable key only the one whose client_secret it sends."""
    if _is("SANDBOX_SECRET_KEY"):
        return setup_intents.found(setup_id)
    if _is("SANDBOX_PUBLISHABLE_KEY"):
        return setup_intents.for_client(setup_id, client_secret)
    raise Unauthorized(
        "Send the sandbox's secret key, or its publishable key with the client_secret, as a Bearer token."
    )


@blp.post("/customers")
@key_required("SANDBOX_SECRET_KEY")
@blp.arguments(CustomerInSchema())
@blp.response(200, CustomerSchema)
def create_customer(body):
    return setup_intents.create_customer(body["metadata"])


@blp.get("/customers/<customer_id>")
@key_required("SANDBOX_SECRET_KEY")
@blp.response(200, CustomerSchema)
def get_customer(customer_id):
    return setup_intents.customer(customer_id)


@blp.post("/setup_intents")
@key_required("SANDBOX_SECRET_KEY")
@blp.arguments(SetupIntentInSchema())
@blp.response(200, SetupIntentSchema)
def create_setup_intent(body):
    return setup_intents.create(body.get("customer"), body["usage"], body["metadata"], body["payment_method_options"])


@blp.get("/setup_intents/<setup_id>")
@blp.arguments(ClientSecretSchema(), location="query")
@blp.response(200, SetupIntentSchema)
def get_setup_intent(query, setup_id):
    return _setup_for_caller(setup_id, query.get("client_secret"))


@blp.post("/setup_intents/<setup_id>")
@blp.arguments(SetupIntentUpdateSchema())
@blp.response(200, SetupIntentSchema)
def update_setup_intent(body, setup_id):
    """Attach the bank account the sandbox's collect frame tokenized (requires_confirmation), or, with the secret
    key, keep metadata (merged key by key, as Stripe does)."""
    setup = _setup_for_caller(setup_id, body.get("client_secret"))
    server = _is("SANDBOX_SECRET_KEY")
    if "metadata" in body and not server:
        raise Unprocessable("Only the secret key sets a SetupIntent's metadata.", code="parameter_unknown")
    if "metadata" in body:
        setup = setup_intents.keep_metadata(setup, body["metadata"])
    if "payment_method" in body:
        return setup_intents.attach_payment_method(setup, body["payment_method"])
    if "metadata" not in body:
        raise Unprocessable("Send the payment_method to attach.", code="parameter_missing")
    return setup


@blp.post("/setup_intents/<setup_id>/verify_microdeposits")
@blp.arguments(MicrodepositsSchema())
@blp.response(200, SetupIntentSchema)
def verify_microdeposits(body, setup_id):
    """The two microdeposits' amounts in cents (the sandbox sends 32 and 45): succeeded, or a 400."""
    setup = _setup_for_caller(setup_id, body.get("client_secret"))
    return setup_intents.verify_microdeposits(setup, body["amounts"])


@blp.post("/setup_intents/<setup_id>/confirm")
@blp.arguments(SetupIntentConfirmSchema())
@blp.response(200, SetupIntentSchema)
def confirm_setup_intent(body, setup_id):
    """The subscriber accepted the mandate: the address and browser are the given online acceptance's, or
    (Stripe.js's infer_from_client) the confirming request's own."""
    setup = _setup_for_caller(setup_id, body.get("client_secret"))
    online = ((body.get("mandate_data") or {}).get("customer_acceptance") or {}).get("online") or {}
    address = online.get("ip_address") or request.remote_addr
    user_agent = online.get("user_agent") or request.headers.get("User-Agent", "")
    return setup_intents.confirm(setup, str(address)[:45], str(user_agent))


@blp.post("/setup_intents/<setup_id>/cancel")
@key_required("SANDBOX_SECRET_KEY")
@blp.response(200, SetupIntentSchema)
def cancel_setup_intent(setup_id):
    return setup_intents.cancel(setup_intents.found(setup_id))
