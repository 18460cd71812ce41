"""Marshmallow in and out for two-step sign-in (kept apart from schemas.py, which holds the rest)."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

CODE = validate.Length(min=1, max=40)


class CodeChallengeSchema(Schema):
    code_required = fields.Boolean(required=True)
    challenge = fields.String(required=True, metadata={"description": "post it with the code to /auth/login/code"})
    expires_in = fields.Integer(required=True)
    message = fields.String(required=True)


class LoginCodeSchema(Schema):
    challenge = fields.String(required=True, validate=validate.Length(min=1, max=100))
    code = fields.String(
        required=True,
        validate=CODE,
        metadata={"description": "6 digits from the authenticator app, or a recovery code"},
    )


class TotpStatusSchema(Schema):
    enabled = fields.Boolean(required=True)
    recovery_codes_left = fields.Integer(required=True)


class TotpSetupSchema(Schema):
    secret = fields.String(required=True, metadata={"description": "base32, for typing into the app by hand"})
    otpauth_uri = fields.String(required=True, metadata={"description": "what the QR code holds"})


class TotpCodeSchema(Schema):
    code = fields.String(required=True, validate=CODE)


class RecoveryCodesSchema(Schema):
    recovery_codes = fields.List(fields.String(), required=True, metadata={"description": "shown this once"})


class RemoveTotpSchema(Schema):
    passcode = fields.String(validate=validate.Length(min=1, max=200))
    code = fields.String(validate=CODE)

    @validates_schema
    def one_proof(self, data, **kwargs):
        if ("passcode" in data) == ("code" in data):
            raise ValidationError("Send either the passcode or a code.", "_schema")


class OfficeTotpResetSchema(Schema):
    identity_check = fields.String(
        required=True,
        validate=validate.Length(min=3, max=200),
        metadata={"description": "how the office checked who is calling (kept in the audit)"},
    )


class OfficeTotpResetDoneSchema(Schema):
    account = fields.String(required=True)
    totp_enabled = fields.Boolean(required=True)
