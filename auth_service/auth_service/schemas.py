from marshmallow import Schema, fields, validate

from billpay_common.fields import UtcDateTime
from billpay_common.pagination import LimitQuerySchema
from billpay_common.staff_auth import ROLES


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=40))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))


class TokenSchema(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)


class MeSchema(Schema):
    account = fields.String(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)


class JwksSchema(Schema):
    keys = fields.List(fields.Dict(), required=True)


class GrantSchema(Schema):
    account = fields.String(required=True, validate=validate.Length(min=1, max=20))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    passcode = fields.String(validate=validate.Length(max=200))


class AccessSchema(Schema):
    account = fields.String(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    active = fields.Boolean(required=True)
    failed_attempts = fields.Integer(required=True)
    locked_until = UtcDateTime(allow_none=True)


class GrantedSchema(AccessSchema):
    passcode = fields.String(metadata={"description": "present only when the service generated it"})


class ResetSchema(AccessSchema):
    link_sent = fields.Boolean(
        required=True, metadata={"description": "false when the e-mail could not be queued: reset again later"}
    )


class ChangePasscodeSchema(Schema):
    current = fields.String(required=True, validate=validate.Length(min=1, max=200))
    new = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ForgotPasscodeSchema(Schema):
    account = fields.String(required=True, validate=validate.Length(min=1, max=40))


class SetPasscodeSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=100))
    new = fields.String(required=True, validate=validate.Length(min=1, max=200))


class MessageSchema(Schema):
    message = fields.String(required=True)


class AuditQuerySchema(LimitQuerySchema):
    account = fields.String(validate=validate.Length(max=32))


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = UtcDateTime()
    actor = fields.String()
    action = fields.String()
    account = fields.String()
    detail = fields.String()


class LoginAttemptSchema(Schema):
    id = fields.Integer()
    at = UtcDateTime()
    account = fields.String()
    outcome = fields.String()
    client_addr = fields.String()


class StaffSignInSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=40))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))
    code = fields.String(
        required=True, validate=validate.Regexp(r"^\d{6}$", error="The code is the 6 digits your authenticator shows.")
    )


class StaffTokenSchema(TokenSchema):
    roles = fields.List(fields.String(), required=True)


_ROLE_FIELD = fields.List(
    fields.String(validate=validate.OneOf(ROLES)), required=True, validate=validate.Length(min=1, max=len(ROLES))
)


class StaffMemberSchema(Schema):
    username = fields.String(required=True)
    roles = fields.List(fields.String(), attribute="role_list", required=True)
    active = fields.Boolean(required=True)
    failed_attempts = fields.Integer(required=True)
    locked_until = UtcDateTime(allow_none=True)
    created_at = UtcDateTime()


class NewStaffSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=2, max=40))
    roles = _ROLE_FIELD


class StaffRolesSchema(Schema):
    roles = _ROLE_FIELD


class EnrolmentSchema(StaffMemberSchema):
    totp_secret = fields.String(required=True, metadata={"description": "shown once, at enrolment"})
    otpauth_uri = fields.String(required=True)
    qr_svg = fields.String(required=True, metadata={"description": "the otpauth URI as a QR code, inline SVG"})


class NewStaffMemberSchema(EnrolmentSchema):
    password = fields.String(required=True, metadata={"description": "generated and shown once"})


class StaffAuditQuerySchema(LimitQuerySchema):
    username = fields.String(validate=validate.Length(max=40))


class StaffAuditEntrySchema(Schema):
    id = fields.Integer()
    at = UtcDateTime()
    actor = fields.String()
    action = fields.String()
    username = fields.String()
    detail = fields.String()
    client_addr = fields.String()
