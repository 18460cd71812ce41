"""Subscriber endpoints for the passcode: change it, ask for a set-passcode link, set it from the link."""

from flask import g
from flask_smorest import Blueprint

from billpay_common.tokens import account_required

from . import passcode_changes
from .schemas import ChangePasscodeSchema, ForgotPasscodeSchema, MessageSchema, SetPasscodeSchema, TokenSchema

blp = Blueprint("passcode", __name__, url_prefix="/auth/passcode", description="Subscriber passcode")


@blp.post("")
@account_required
@blp.arguments(ChangePasscodeSchema())
@blp.response(200, TokenSchema)
def change(body):
    """Needs the current passcode. Every session of the account ends; the answer is a token for a new one."""
    return passcode_changes.change_passcode(g.account, body["current"], body["new"])


@blp.post("/forgot")
@blp.arguments(ForgotPasscodeSchema())
@blp.response(202, MessageSchema)
def forgot(body):
    """E-mails a single-use set-passcode link to the address on file. The same answer for every account."""
    return passcode_changes.forgot_passcode(body["account"])


@blp.post("/set")
@blp.arguments(SetPasscodeSchema())
@blp.response(204)
def set_from_link(body):
    """Sets the passcode from an e-mailed link (once, before it expires); every session of the account ends."""
    passcode_changes.set_passcode_from_link(body["token"], body["new"])
