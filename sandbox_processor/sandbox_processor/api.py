"""The sandbox's HTTP API, shaped like a processor's: the browser's card fields tokenize with the publishable
key; payment_service charges, refunds and looks up with the secret key."""

import functools
import hmac
import time

from flask import current_app, request
from flask_smorest import Blueprint

from billpay_common.errors import Unauthorized

from . import ach, charges, tokens
from .ledger import BankAccountMethod
from .schemas import (
    BankAccountMethodSchema,
    ChargeCountSchema,
    ChargeInSchema,
    ChargeSchema,
    ClockSchema,
    EventListSchema,
    EventQuerySchema,
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


def _dumped(method):
    schema = BankAccountMethodSchema() if isinstance(method, BankAccountMethod) else PaymentMethodSchema()
    return schema.dump(method)


@blp.post("/payment_methods")
@key_required("SANDBOX_PUBLISHABLE_KEY")
@blp.arguments(PaymentMethodInSchema())
@blp.response(200)
def create_payment_method(body):
    if body["type"] == "us_bank_account":
        return _dumped(ach.create_bank_account(body["us_bank_account"]))
    return _dumped(tokens.create_payment_method(body["card"]))


@blp.get("/payment_methods/<method_id>")
@key_required("SANDBOX_SECRET_KEY")
@blp.response(200)
def get_payment_method(method_id):
    return _dumped(ach.bank_account(method_id) or tokens.payment_method(method_id))


@blp.post("/payment_methods/<method_id>/attach")
@key_required("SANDBOX_SECRET_KEY")
@blp.response(200)
def attach_payment_method(method_id):
    if ach.bank_account(method_id) is not None:
        return _dumped(ach.attach(method_id))
    return _dumped(tokens.attach(method_id))


@blp.post("/test_helpers/clock")
@key_required("SANDBOX_SECRET_KEY")
@blp.arguments(ClockSchema())
@blp.response(200, ClockSchema)
def move_clock(body):
    return ach.set_today(body["today"])


@blp.get("/events")
@key_required("SANDBOX_SECRET_KEY")
@blp.arguments(EventQuerySchema(), location="query")
@blp.response(200, EventListSchema)
def list_events(query):
    data, has_more = ach.events(query["limit"], query.get("starting_after"), query.get("created_gte"))
    return {"data": data, "has_more": has_more}


@blp.post("/charges")
@key_required("SANDBOX_SECRET_KEY")
@blp.arguments(ChargeInSchema())
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
@blp.arguments(RefundInSchema())
@blp.response(200, ChargeSchema)
def refund(body, reference):
    return charges.move(reference, "refunded", allowed=("charged", "refunded"))


@blp.post("/charges/<reference>/void")
@key_required("SANDBOX_SECRET_KEY")
@blp.response(200, ChargeSchema)
def void(reference):
    return charges.move(reference, "voided", allowed=("charged", "authorized", "voided"))
