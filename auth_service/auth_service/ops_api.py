"""The accounting office's endpoints (a staff token with the role each names): portal access and its audit trail."""

from flask import g
from flask_smorest import Blueprint

from billpay_common.staff_auth import CLERK, VIEWER, staff_required

from . import access
from .schemas import (
    AccessSchema,
    AuditEntrySchema,
    AuditQuerySchema,
    GrantedSchema,
    GrantSchema,
    LoginAttemptSchema,
    ResetSchema,
)

blp = Blueprint("ops", __name__, url_prefix="/ops", description="Accounting office: portal access")


def _granted(user, passcode, generated):
    body = GrantedSchema().dump(user)
    if generated:
        body["passcode"] = passcode
    return body


@blp.post("/access")
@staff_required(CLERK)
@blp.arguments(GrantSchema())
@blp.response(201, GrantedSchema)
def grant(body):
    return _granted(*access.grant_access(body["account"], body["email"], body["name"], g.actor, body.get("passcode")))


@blp.get("/access/<account>")
@staff_required(VIEWER)
@blp.response(200, AccessSchema)
def status(account):
    return access.access_status(account)


@blp.delete("/access/<account>")
@staff_required(CLERK)
@blp.response(204)
def revoke(account):
    access.revoke_access(account, g.actor)


@blp.post("/access/<account>/reset-passcode")
@staff_required(CLERK)
@blp.response(202, ResetSchema)
def reset_passcode(account):
    """Ends every session and e-mails the subscriber a single-use set-passcode link; no passcode is returned."""
    user, sent = access.reset_passcode(account, g.actor)
    return {**AccessSchema().dump(user), "link_sent": sent}


@blp.post("/access/<account>/unlock")
@staff_required(CLERK)
@blp.response(200, AccessSchema)
def unlock(account):
    return access.unlock(account, g.actor)


@blp.get("/audit")
@staff_required(VIEWER)
@blp.arguments(AuditQuerySchema(), location="query")
@blp.response(200, AuditEntrySchema(many=True))
def audit(query):
    return access.audit_log(query.get("account"), query["limit"])


@blp.get("/login-attempts")
@staff_required(VIEWER)
@blp.arguments(AuditQuerySchema(), location="query")
@blp.response(200, LoginAttemptSchema(many=True))
def login_attempts(query):
    return access.login_attempts(query.get("account"), query["limit"])
