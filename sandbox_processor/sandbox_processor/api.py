"""The sandbox's HTTP API, shaped like a processor's: the browser's card fields tokenize with the publishable
key; payment_service charges, refunds and looks up with the secret key."""

import functools
import hmac
import time

from flask import current_app, request
from flask_smorest import Blueprint

from billpay_common.errors import Unauthorized

from . import charges, tokens
from .schemas import (
    ChargeCountSchema,
    ChargeInSchema,
    ChargeSchema,
    PaymentMethodInSchema,
    PaymentMethodSchema,
    RefundInSchema,
)

blp = Blueprint("sandbox", __name__, url_prefix="/v1", description="The sandbox processor")


def _bearer():
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    return key if scheme.lower() == "bearer" else ""


def key_required(setting):
    def decorate(view):
        @functools.wraps(view)
        def checked(*args, **kwargs):
            if not hmac.compare_digest(_bearer().encode(), current_app.config[setting].encode()):
                raise Unauthorized(f"Send the sandbox's {setting.split('_')[1].lower()} key as a Bearer token.")
            return view(*args, **kwargs)

        return checked

    return decorate


@blp.post("/payment_methods")
@key_required("SANDBOX_PUBLISHABLE_KEY")
@blp.arguments(PaymentMethodInSchema)
@blp.response(200, PaymentMethodSchema)
def create_payment_method(body):
    return tokens.create_payment_method(body["card"])


@blp.get("/payment_methods/<method_id>")
@key_required("SANDBOX_SECRET_KEY")
@blp.response(200, PaymentMethodSchema)
def get_payment_method(method_id):
    return tokens.payment_method(method_id)


@blp.post("/payment_methods/<method_id>/attach")
@key_required("SANDBOX_SECRET_KEY")
@blp.response(200, PaymentMethodSchema)
def attach_payment_method(method_id):
    return tokens.attach(method_id)


@blp.post("/charges")
@key_required("SANDBOX_SECRET_KEY")
@blp.arguments(ChargeInSchema)
@blp.response(200, ChargeSchema)
def create_charge(body):
    time.sleep(current_app.config["SANDBOX_LATENCY_MS"] / 1000)  # before any database work: holds no connection
    return charges.charge(body["reference"], body["amount"], body["payment_method"], body["capture"])


@blp.get("/charges")
@key_required("SANDBOX_SECRET_KEY")
@blp.response(200, ChargeCountSchema)
def count_charges():
    return {"total_count": charges.count()}


@blp.get("/charges/<reference>")
@key_required("SANDBOX_SECRET_KEY")
@blp.response(200, ChargeSchema)
def get_charge(reference):
    return charges.found(reference)


@blp.post("/charges/<reference>/capture")
@key_required("SANDBOX_SECRET_KEY")
@blp.response(200, ChargeSchema)
def capture(reference):
    return charges.move(reference, "charged", allowed=("authorized", "charged"))


@blp.post("/charges/<reference>/refund")
@key_required("SANDBOX_SECRET_KEY")
@blp.arguments(RefundInSchema)
@blp.response(200, ChargeSchema)
def refund(body, reference):
    return charges.move(reference, "refunded", allowed=("charged", "refunded"))


@blp.post("/charges/<reference>/void")
@key_required("SANDBOX_SECRET_KEY")
@blp.response(200, ChargeSchema)
def void(reference):
    return charges.move(reference, "voided", allowed=("charged", "authorized", "voided"))
