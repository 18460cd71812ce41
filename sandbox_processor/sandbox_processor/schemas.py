import re

from flask import url_for
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from billpay_common.money import Money, positive_money

from . import setup_intents


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


class BankAccountInSchema(Schema):
    routing_number = fields.String(required=True, validate=validate.Length(max=20))
    account_number = fields.String(required=True, validate=validate.Length(max=30))
    account_type = fields.String(load_default="checking", validate=validate.Length(max=10))
    account_holder_name = fields.String(required=True, validate=validate.Length(max=100))


class PaymentMethodInSchema(Schema):
    type = fields.String(load_default="card", validate=validate.OneOf(["card", "us_bank_account"]))
    card = fields.Nested(CardInSchema)
    us_bank_account = fields.Nested(BankAccountInSchema)

    @validates_schema
    def details_of_its_type(self, data, **kwargs):
        if data["type"] not in data:
            raise ValidationError("Send the details of this payment method type.", field_name=data["type"])


class CardOutSchema(Schema):
    brand = fields.String()
    last4 = fields.String()
    exp_month = fields.Integer()
    exp_year = fields.Integer()
    fingerprint = fields.String()


class PaymentMethodSchema(Schema):
    id = fields.String()
    object = fields.Constant("payment_method")
    type = fields.Constant("card")
    card = fields.Function(lambda method: CardOutSchema().dump(method))
    attached = fields.Boolean()


class BankAccountOutSchema(Schema):
    bank_name = fields.String(allow_none=True)
    account_type = fields.String()
    last4 = fields.String()
    routing_number = fields.String()
    fingerprint = fields.String()


class BankAccountMethodSchema(Schema):
    id = fields.String()
    object = fields.Constant("payment_method")
    type = fields.Constant("us_bank_account")
    us_bank_account = fields.Function(lambda method: BankAccountOutSchema().dump(method))
    attached = fields.Boolean()


class ClockSchema(Schema):
    today = fields.Date(required=True)


class EventListSchema(Schema):
    object = fields.Constant("list")
    data = fields.List(fields.Dict())
    has_more = fields.Boolean()


class EventQuerySchema(Schema):
    """Stripe's list parameters: newest first, `limit` a page (1 to 100, default 10), the page after the event id
    `starting_after`, only events created at or after the Unix time `created[gte]`."""

    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))
    starting_after = fields.String(validate=validate.Length(min=1, max=80))
    created_gte = fields.Integer(data_key="created[gte]", validate=validate.Range(min=0))


class ChargeInSchema(Schema):
    reference = fields.String(required=True, validate=validate.Length(min=1, max=64))
    amount = Money(required=True, validate=positive_money)
    payment_method = fields.String(required=True, validate=validate.Length(min=1, max=40))
    capture = fields.Boolean(load_default=True)


class RefundInSchema(Schema):
    amount = Money(required=True, validate=positive_money)


class ChargeSchema(Schema):
    reference = fields.String()
    status = fields.String(
        metadata={
            "description": "charged, authorized, refunded, voided or declined; ACH: processing, succeeded, returned"
        }
    )
    amount = Money()
    payment_method = fields.String()
    return_code = fields.String(allow_none=True, metadata={"description": "an ACH return's R code"})


class ChargeCountSchema(Schema):
    object = fields.Constant("list")
    total_count = fields.Integer()


class CustomerInSchema(Schema):
    metadata = fields.Dict(
        keys=fields.String(validate=validate.Length(max=40)), values=fields.String(), load_default=dict
    )


class CustomerSchema(Schema):
    id = fields.String()
    object = fields.Constant("customer")
    metadata = fields.Dict(attribute="metadata_")


class SetupIntentInSchema(Schema):
    customer = fields.String(validate=validate.Length(min=1, max=40))
    payment_method_types = fields.List(
        fields.String(validate=validate.OneOf(["us_bank_account"], error="The sandbox sets up us_bank_account only.")),
        required=True,
        validate=validate.Length(equal=1),
    )
    usage = fields.String(load_default="off_session", validate=validate.OneOf(["off_session", "on_session"]))
    metadata = fields.Dict(
        keys=fields.String(validate=validate.Length(max=40)), values=fields.String(), load_default=dict
    )
    payment_method_options = fields.Dict(load_default=dict)


class ClientSecretSchema(Schema):
    client_secret = fields.String(validate=validate.Length(max=120))


class SetupIntentUpdateSchema(ClientSecretSchema):
    """The browser (publishable key) attaches the payment_method it collected; the server (secret key) may set
    metadata."""

    payment_method = fields.String(validate=validate.Length(min=1, max=40))
    metadata = fields.Dict(
        keys=fields.String(validate=validate.Length(max=40)), values=fields.String(validate=validate.Length(max=500))
    )


class MicrodepositsSchema(ClientSecretSchema):
    amounts = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=99)),
        required=True,
        validate=validate.Length(equal=2),
        metadata={"description": "the two microdeposits in cents, as on the bank statement"},
    )


class SetupIntentConfirmSchema(ClientSecretSchema):
    mandate_data = fields.Dict()


class SetupIntentSchema(Schema):
    id = fields.String()
    object = fields.Constant("setup_intent")
    client_secret = fields.String()
    customer = fields.String(allow_none=True)
    status = fields.String(
        metadata={"description": "requires_payment_method, requires_confirmation, succeeded or canceled"}
    )
    usage = fields.String()
    payment_method = fields.String(allow_none=True)
    payment_method_types = fields.Constant(["us_bank_account"])
    payment_method_options = fields.Dict()
    mandate = fields.String(allow_none=True)
    next_action = fields.Method("_next_action")
    last_setup_error = fields.Constant(None)
    metadata = fields.Dict(attribute="metadata_")

    def _next_action(self, setup):
        """verify_with_microdeposits with the sandbox's page to verify them (Stripe hosts one likewise)."""
        page = url_for("sandbox_browser.microdeposits", client_secret=setup.client_secret, _external=True)
        return setup_intents.next_action(setup, page)
