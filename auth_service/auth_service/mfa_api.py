"""Subscriber endpoints for two-step sign-in: the login's second step, and setting it up or removing it."""

from flask import g, request
from flask_smorest import Blueprint

from billpay_common.tokens import account_required

from . import login_codes, mfa
from .mfa_schemas import (
    LoginCodeSchema,
    RecoveryCodesSchema,
    RemoveTotpSchema,
    TotpCodeSchema,
    TotpSetupSchema,
    TotpStatusSchema,
)
from .schemas import TokenSchema

blp = Blueprint("mfa", __name__, url_prefix="/auth", description="Subscriber two-step sign-in")


@blp.post("/login/code")
@blp.arguments(LoginCodeSchema())
@blp.response(200, TokenSchema)
def login_code(body):
    """The second step of a login that answered 202 `code_required`: the challenge and the code."""
    return login_codes.login_with_code(body["challenge"], body["code"], request.remote_addr)


@blp.get("/totp")
@account_required
@blp.response(200, TotpStatusSchema)
def status():
    return mfa.status(g.account)


@blp.post("/totp/setup")
@account_required
@blp.response(201, TotpSetupSchema)
def begin_setup():
    """A new secret, pending until a code from the app confirms it (a second call replaces it)."""
    return mfa.begin_setup(g.account)


@blp.post("/totp/confirm")
@account_required
@blp.arguments(TotpCodeSchema())
@blp.response(200, RecoveryCodesSchema)
def confirm_setup(body):
    """Turns two-step sign-in on; the answer holds the recovery codes, shown this once."""
    return mfa.confirm_setup(g.account, body["code"])


@blp.post("/totp/remove")
@account_required
@blp.arguments(RemoveTotpSchema())
@blp.response(204)
def remove(body):
    """Needs the passcode or a code; wrong ones count toward the login lockout."""
    mfa.remove(g.account, passcode=body.get("passcode"), code=body.get("code"))


@blp.post("/totp/recovery-codes")
@account_required
@blp.arguments(TotpCodeSchema())
@blp.response(200, RecoveryCodesSchema)
def new_recovery_codes(body):
    """Replaces every recovery code, given a current code from the app."""
    return mfa.new_recovery_codes(g.account, body["code"])
