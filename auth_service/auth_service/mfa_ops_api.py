"""The accounting office's endpoint for two-step sign-in: turn it off for a subscriber whose identity it checked."""

from flask import g
from flask_smorest import Blueprint

from billpay_common.staff_auth import CLERK, staff_required

from . import mfa
from .mfa_schemas import OfficeTotpResetDoneSchema, OfficeTotpResetSchema

blp = Blueprint("ops_mfa", __name__, url_prefix="/ops", description="Accounting office: two-step sign-in")


@blp.post("/access/<account>/reset-totp")
@staff_required(CLERK)
@blp.arguments(OfficeTotpResetSchema())
@blp.response(200, OfficeTotpResetDoneSchema)
def reset_totp(body, account):
    """Removes the subscriber's authenticator and recovery codes; audited with how the caller was identified."""
    return mfa.office_reset(account, g.actor, body["identity_check"])
