import re

from marshmallow import Schema, fields, validate

from billpay_common.fields import UtcDateTime
from billpay_common.money import Money, positive_money
from billpay_common.pagination import LimitQuerySchema, PageQuerySchema, PageSchema

from .models import DECLINED
from .payment_status import PaymentStatus

INVOICE = validate.Length(min=1, max=20)


class CardDigitsField(fields.Integer):
    """A number, or a string of the digits 0-9: int() alone would also take "١٢", "¹²" or "1_2"."""

    def __init__(self, example, **kwargs):
        super().__init__(strict=False, **kwargs)
        self.error_messages["digits"] = f"Type it with the digits 0 to 9, e.g. {example}."

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not re.fullmatch(r" *[0-9]{1,4} *", value):
            raise self.make_error("digits")
        return super()._deserialize(value, attr, data, **kwargs)


class CardInSchema(Schema):
    number = fields.String(required=True, validate=validate.Length(max=40))
    exp_month = CardDigitsField(example=12, required=True)
    exp_year = CardDigitsField(example=2030, required=True)
    cvc = fields.String(required=True, validate=validate.Length(max=8))


class AllocationSchema(Schema):
    invoice = fields.String(required=True, validate=INVOICE)
    amount = Money(required=True, validate=positive_money)


class PaymentInSchema(Schema):
    allocations = fields.List(fields.Nested(AllocationSchema), required=True, validate=validate.Length(max=50))
    card = fields.Nested(CardInSchema)
    profile_id = fields.String(validate=validate.Length(min=1, max=32))
    receipt_email = fields.Email(validate=validate.Length(max=254), allow_none=True)
    save_card = fields.Boolean(load_default=False)


class IdempotencyHeaderSchema(Schema):
    class Meta:
        unknown = "exclude"

    key = fields.String(
        required=True,
        data_key="Idempotency-Key",
        validate=validate.Length(min=1, max=255),
        error_messages={"required": "Send an Idempotency-Key header: a new random value per payment."},
        metadata={"description": "a new random value per payment, the same on every retry"},
    )


class PaymentSchema(Schema):
    id = fields.String()
    status = fields.String(metadata={"description": ", ".join(PaymentStatus)})
    amount = Money()
    allocations = fields.List(fields.Nested(AllocationSchema))
    card = fields.Method("dump_card", metadata={"type": "object"})
    receipt_email = fields.String(allow_none=True)
    created_at = UtcDateTime()
    paid_at = UtcDateTime(allow_none=True)
    failure_code = fields.Method("dump_failure_code", allow_none=True, metadata={"type": "string"})
    failure_message = fields.Method("dump_failure_message", allow_none=True, metadata={"type": "string"})

    def dump_card(self, payment):
        return {"brand": payment.brand, "last4": payment.last4}

    def dump_failure_code(self, payment):
        """Any decline is card_declined to the subscriber; the processor's own code is for the office."""
        return "card_declined" if payment.status == PaymentStatus.DECLINED else payment.failure_code

    def dump_failure_message(self, payment):
        return DECLINED if payment.status == PaymentStatus.DECLINED else payment.failure_message


class OpsPaymentSchema(PaymentSchema):
    account = fields.String()
    account_name = fields.String()
    refunded_amount = Money(metadata={"description": "refunded so far (partial refunds made at the processor)"})
    failure_code = fields.String(allow_none=True, metadata={"description": "the processor's own code of a decline"})
    failure_message = fields.String(allow_none=True)


class PaymentPageSchema(PageSchema):
    items = fields.List(fields.Nested(PaymentSchema))


class OpsQuerySchema(PageQuerySchema):
    account = fields.String(validate=validate.Length(max=20))
    start = fields.Date(metadata={"description": "from this day (inclusive)"})
    end = fields.Date(metadata={"description": "to this day (inclusive)"})
    status = fields.String(validate=validate.OneOf([status.value for status in PaymentStatus]))


class OpsPaymentPageSchema(PaymentPageSchema):
    items = fields.List(fields.Nested(OpsPaymentSchema))


class ReversalSchema(Schema):
    id = fields.String()
    payment_id = fields.String()
    kind = fields.String(metadata={"description": "refund or void"})
    amount = Money()
    status = fields.String(metadata={"description": "awaiting_approval, done or rejected"})
    requested_by = fields.String()
    requested_at = UtcDateTime()
    decided_by = fields.String(allow_none=True, metadata={"description": "the supervisor who approved or rejected"})
    decided_at = UtcDateTime(allow_none=True)


class ReversalQuerySchema(LimitQuerySchema):
    status = fields.String(validate=validate.OneOf(["awaiting_approval", "done", "rejected"]))
    payment_id = fields.String(validate=validate.Length(max=32))


class ProfileInSchema(Schema):
    card = fields.Nested(CardInSchema, required=True)
    make_default = fields.Boolean(load_default=False)


class ProfileSchema(Schema):
    id = fields.String()
    brand = fields.String()
    last4 = fields.String()
    exp_month = fields.Integer()
    exp_year = fields.Integer()
    is_default = fields.Boolean()
    created_at = UtcDateTime()


class ProfileListSchema(Schema):
    items = fields.List(fields.Nested(ProfileSchema))


class BlockAuditQuerySchema(Schema):
    account = fields.String(validate=validate.Length(max=20))
    subject = fields.String(validate=validate.Length(max=128), metadata={"description": "an address or fingerprint"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class BlockAuditEntrySchema(Schema):
    id = fields.Integer()
    at = UtcDateTime()
    actor = fields.String()
    action = fields.String(metadata={"description": "blocked (an attempt refused) or lifted (by the office)"})
    account = fields.String()
    kind = fields.String(metadata={"description": "account, address or card"})
    subject = fields.String(metadata={"description": "the account number, client address or card fingerprint"})
    detail = fields.String()


class BlockSubjectSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["account", "address", "card"]))
    subject = fields.String(required=True, validate=validate.Length(min=1, max=128))


class LiftedBlockSchema(Schema):
    kind = fields.String()
    subject = fields.String()
    lifted = fields.Boolean(metadata={"description": "false when that window held no declines"})


class PaymentLimitsSchema(Schema):
    min_amount = Money()
    max_amount = Money()
