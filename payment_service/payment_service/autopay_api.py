"""Subscriber endpoints for AutoPay: see it, read the authorization text, set it up or change it, turn it off.
The account comes from the token only; the client address from the gateway."""

from flask import g, request
from flask_smorest import Blueprint

from billpay_common.tokens import account_required

from . import autopay, autopay_terms
from .autopay_schemas import AutoPayInSchema, AutoPaySchema, TermsQuerySchema, TermsSchema
from .profiles import profile_of

blp = Blueprint("autopay", __name__, url_prefix="/autopay", description="AutoPay from a saved card")


def client_address():
    """The subscriber's address as the gateway saw it (it sets X-Forwarded-For itself), else the caller's."""
    forwarded = request.headers.get("X-Forwarded-For", "").split(",")[0].strip()
    return forwarded or request.remote_addr


@blp.get("")
@account_required
@blp.response(200, AutoPaySchema)
def show():
    return autopay.state(g.account)


@blp.get("/terms")
@account_required
@blp.arguments(TermsQuerySchema(), location="query")
@blp.response(200, TermsSchema)
@blp.alt_response(404, description="not_found: no such saved card")
def terms(query):
    profile = profile_of(g.account, query["profile_id"]) if query.get("profile_id") else None
    return {"version": autopay_terms.CURRENT, "text": autopay.terms_for(g.account, profile)}


@blp.put("")
@account_required
@blp.arguments(AutoPayInSchema())
@blp.response(200, AutoPaySchema)
@blp.alt_response(404, description="not_found: no such saved card")
@blp.alt_response(422, description="terms_changed, an expired card, or agree not true")
def set_up(body):
    return autopay.enrol(
        g.account,
        body["profile_id"],
        body["terms_version"],
        client_address=client_address(),
        ach_authorization=body.get("ach_authorization"),
    )


@blp.delete("")
@account_required
@blp.response(200, AutoPaySchema)
@blp.alt_response(404, description="autopay_off: AutoPay is not on")
def turn_off():
    return autopay.turn_off(g.account, client_address=client_address())
