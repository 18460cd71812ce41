"""Staff sign-in (password + TOTP code -> a staff token) and the admin's endpoints for staff accounts."""

from flask import g, request
from flask_smorest import Blueprint

from billpay_common.staff_auth import ADMIN, staff_required

from . import sign_in_limits, staff
from .schemas import (
    EnrolmentSchema,
    NewStaffMemberSchema,
    NewStaffSchema,
    StaffAuditEntrySchema,
    StaffAuditQuerySchema,
    StaffMemberSchema,
    StaffRolesSchema,
    StaffSignInSchema,
    StaffTokenSchema,
)

blp = Blueprint("staff", __name__, url_prefix="", description="Staff sign-in and staff accounts")


def _with_enrolment(member, **extra):
    fields = ("username", "role_list", "active", "failed_attempts", "locked_until", "created_at")
    return {**{name: getattr(member, name) for name in fields}, **staff.enrolment(member), **extra}


@blp.post("/staff/sign-in")
@blp.arguments(StaffSignInSchema())
@blp.response(200, StaffTokenSchema)
@blp.alt_response(429, description="account_locked, or too_many_sign_ins from this client address")
def sign_in(body):
    sign_in_limits.count_staff_attempt(request.remote_addr)
    return staff.sign_in(body["username"], body["password"], body["code"], request.remote_addr)


@blp.get("/ops/staff")
@staff_required(ADMIN)
@blp.response(200, StaffMemberSchema(many=True))
def list_staff():
    return staff.list_staff()


@blp.post("/ops/staff")
@staff_required(ADMIN)
@blp.arguments(NewStaffSchema())
@blp.response(201, NewStaffMemberSchema)
def create_staff(body):
    """The password and the TOTP enrolment (secret, otpauth URI, QR code) are in this answer only."""
    member, password = staff.create_staff(body["username"], body["roles"], g.actor)
    return _with_enrolment(member, password=password)


@blp.put("/ops/staff/<username>/roles")
@staff_required(ADMIN)
@blp.arguments(StaffRolesSchema())
@blp.response(200, StaffMemberSchema)
def set_roles(body, username):
    return staff.set_roles(username, body["roles"], g.actor)


@blp.post("/ops/staff/<username>/disable")
@staff_required(ADMIN)
@blp.response(200, StaffMemberSchema)
def disable(username):
    return staff.disable(username, g.actor)


@blp.post("/ops/staff/<username>/unlock")
@staff_required(ADMIN)
@blp.response(200, StaffMemberSchema)
def unlock(username):
    return staff.unlock(username, g.actor)


@blp.post("/ops/staff/<username>/reset-totp")
@staff_required(ADMIN)
@blp.response(200, EnrolmentSchema)
def reset_totp(username):
    member = staff.reset_totp(username, g.actor)
    return _with_enrolment(member)


@blp.get("/ops/staff-audit")
@staff_required(ADMIN)
@blp.arguments(StaffAuditQuerySchema(), location="query")
@blp.response(200, StaffAuditEntrySchema(many=True))
def staff_audit(query):
    return staff.staff_audit(query.get("username"), query["limit"])
