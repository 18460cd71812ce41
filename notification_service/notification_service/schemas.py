from marshmallow import Schema, fields, validate

from billpay_common.fields import UtcDateTime
from billpay_common.pagination import LimitQuerySchema

from .models import STATUSES


class DeliveryQuerySchema(LimitQuerySchema):
    account = fields.String(validate=validate.Length(min=1, max=20))
    event_id = fields.String(validate=validate.Length(min=1, max=64))
    status = fields.String(validate=validate.OneOf(STATUSES, error="Use one of: " + ", ".join(STATUSES) + "."))


class DeliverySchema(Schema):
    event_id = fields.String(required=True)
    type = fields.String(required=True)
    to = fields.String(required=True, attribute="recipient")
    account = fields.String(required=True)
    status = fields.String(required=True)
    attempts = fields.Integer(required=True)
    last_error = fields.String(required=True)
    next_attempt_at = UtcDateTime(allow_none=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    sent_at = UtcDateTime(allow_none=True)


class RequeuedSchema(Schema):
    requeued = fields.Integer(required=True)
    event_ids = fields.List(fields.String(), required=True)
