"""AutoPay's request and response bodies."""

from marshmallow import Schema, fields, validate

from billpay_common.fields import UtcDateTime
from billpay_common.money import Money

STATUSES = ("on", "off", "suspended")


class AutoPayMethodSchema(Schema):
    type = fields.String(metadata={"description": "card (a saved profile); bank accounts come later"})
    profile_id = fields.String()
    brand = fields.String()
    last4 = fields.String()


class AutoPaySchema(Schema):
    account = fields.String()
    status = fields.String(metadata={"description": ", ".join(STATUSES)})
    method = fields.Nested(AutoPayMethodSchema, allow_none=True)
    terms_version = fields.String(allow_none=True)
    since = UtcDateTime(allow_none=True)
    reason = fields.String(allow_none=True, metadata={"description": "why AutoPay was suspended"})


class AutoPayInSchema(Schema):
    profile_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    terms_version = fields.String(
        required=True,
        validate=validate.Length(min=1, max=20),
        metadata={"description": "the version of the authorization text shown (GET /autopay/terms)"},
    )
    agree = fields.Boolean(
        required=True,
        validate=validate.Equal(True, error="Tick I agree to authorize AutoPay."),
        metadata={"description": "must be true: the subscriber ticked I agree"},
    )
    ach_authorization = fields.String(
        validate=validate.Length(max=20),
        metadata={"description": "AutoPay from a bank account: the version of the debit authorization accepted"},
    )


class OpsAutoPayInSchema(Schema):
    profile_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    terms_version = fields.String(required=True, validate=validate.Length(min=1, max=20))
    ach_authorization = fields.String(
        validate=validate.Length(max=20),
        metadata={"description": "AutoPay from a bank account: the version of the debit authorization accepted"},
    )


class TermsQuerySchema(Schema):
    profile_id = fields.String(validate=validate.Length(min=1, max=32))


class TermsSchema(Schema):
    version = fields.String()
    text = fields.String()


class ConsentSchema(Schema):
    action = fields.String(metadata={"description": "enrol, change, turn_off or suspend"})
    method_type = fields.String()
    profile_id = fields.String(allow_none=True)
    brand = fields.String(allow_none=True)
    last4 = fields.String(allow_none=True)
    terms_version = fields.String(allow_none=True)
    client_address = fields.String(allow_none=True)
    staff_actor = fields.String(allow_none=True)
    created_at = UtcDateTime()


class OpsAutoPaySchema(AutoPaySchema):
    consents = fields.List(fields.Nested(ConsentSchema))


class OpsAutoPayListQuerySchema(Schema):
    status = fields.String(load_default="on", validate=validate.OneOf(STATUSES[0:1] + STATUSES[2:]))


class UpcomingQuerySchema(Schema):
    days = fields.Integer(load_default=10, validate=validate.Range(min=0, max=60))


class UpcomingChargeSchema(Schema):
    account = fields.String()
    invoice = fields.String()
    due_date = fields.Date()
    amount = Money()
    method = fields.Nested(AutoPayMethodSchema)


class RunQuerySchema(Schema):
    date = fields.Date(metadata={"description": "the day the run takes as today (default: today)"})
