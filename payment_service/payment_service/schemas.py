from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from billpay_common.fields import UtcDateTime
from billpay_common.money import Money, positive_money
from billpay_common.pagination import LimitQuerySchema, PageQuerySchema, PageSchema

from .models import DECLINED
from .payment_status import PaymentStatus

INVOICE = validate.Length(min=1, max=20)


CARDS_IN_PROCESSOR_FIELDS = (
    "Cards are entered in the card processor's own fields, never sent to Bill Pay: "
    "send the processor's token as payment_method."
)
PAYMENT_METHOD = validate.And(
    validate.Length(min=1, max=120),
    validate.Regexp(r"^[A-Za-z0-9_:]+$", error="A processor token has letters, digits, _ and : only."),
)


class NoCardNumbers(Schema):
    """A body with card details is refused by name, before anything else is read (the number is never echoed)."""

    @pre_load
    def refuse_card_details(self, data, **kwargs):
        if isinstance(data, dict) and "card" in data:
            raise ValidationError(CARDS_IN_PROCESSOR_FIELDS, field_name="card")
        return data


class AllocationSchema(Schema):
    invoice = fields.String(required=True, validate=INVOICE)
    amount = Money(required=True, validate=positive_money)


class PaymentInSchema(NoCardNumbers):
    allocations = fields.List(fields.Nested(AllocationSchema), required=True, validate=validate.Length(max=50))
    payment_method = fields.String(
        validate=PAYMENT_METHOD,
        metadata={"description": "the one-time token from the processor's card fields (Stripe: a PaymentMethod id)"},
    )
    profile_id = fields.String(validate=validate.Length(min=1, max=32))
    receipt_email = fields.Email(validate=validate.Length(max=254), allow_none=True)
    save_card = fields.Boolean(load_default=False)
    ach_authorization = fields.String(
        validate=validate.Length(max=20),
        metadata={"description": "paying from a bank account: the version of the debit authorization text accepted"},
    )


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
    kind = fields.String(metadata={"description": "card or us_bank_account (pending until the debit settles)"})
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


class ProfileInSchema(NoCardNumbers):
    payment_method = fields.String(
        validate=PAYMENT_METHOD,
        metadata={"description": "the one-time token from the processor's card fields, saved for later payments"},
    )
    setup_intent = fields.String(
        validate=PAYMENT_METHOD,
        metadata={
            "description": "a bank account: the id of the SetupIntent the browser confirmed "
            "(POST /payment-profiles/bank-account-setup, then Stripe.js's confirmUsBankAccountSetup)"
        },
    )
    ach_authorization = fields.String(
        validate=validate.Length(max=20),
        metadata={"description": "with setup_intent: the version of the debit authorization text accepted"},
    )
    make_default = fields.Boolean(load_default=False)

    @validates_schema
    def one_source(self, data, **kwargs):
        if ("payment_method" in data) == ("setup_intent" in data):
            raise ValidationError(
                "Send exactly one of payment_method (a card's token) or setup_intent (a bank account's).",
                field_name="payment_method" if "payment_method" in data else "setup_intent",
            )


class BankAccountSetupSchema(Schema):
    id = fields.String(metadata={"description": "the SetupIntent's id: send it back as setup_intent"})
    client_secret = fields.String(metadata={"description": "for the processor's script in the browser only"})
    debit_authorization = fields.Nested(lambda: DebitAuthorizationSchema())


class ProfileSchema(Schema):
    id = fields.String()
    kind = fields.String(metadata={"description": "card or us_bank_account"})
    brand = fields.String()
    last4 = fields.String()
    exp_month = fields.Integer(allow_none=True)
    exp_year = fields.Integer(allow_none=True)
    bank_name = fields.String(allow_none=True)
    account_type = fields.String(allow_none=True, metadata={"description": "a bank account's: checking or savings"})
    is_default = fields.Boolean()
    created_at = UtcDateTime()


class DebitAuthorizationQuerySchema(Schema):
    amount = Money(
        validate=positive_money,
        metadata={"description": "a one-time payment's total; without it, the text of AutoPay's debits"},
    )


class DebitAuthorizationSchema(Schema):
    version = fields.String(metadata={"description": "send it back as ach_authorization"})
    method = fields.String(metadata={"description": "one_time, autopay or saved (a bank account being connected)"})
    text = fields.String()


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
