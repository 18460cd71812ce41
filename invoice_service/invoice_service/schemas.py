from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from billpay_common.money import Money, positive_money
from billpay_common.pagination import PageQuerySchema, PageSchema

NUMBER = validate.Length(min=1, max=20)
PAYMENT_ID = validate.Length(min=1, max=64)


class AddressSchema(Schema):
    line1 = fields.String()
    line2 = fields.String()
    city = fields.String()
    state = fields.String()
    zip = fields.String()


class ProfileSchema(Schema):
    system_number = fields.String()
    name = fields.String()
    address = fields.Nested(AddressSchema)
    account_type = fields.String()
    status = fields.String()
    comm_type = fields.String()
    online_date = fields.Date(allow_none=True)
    phone = fields.String()
    email = fields.String()
    paperless = fields.Boolean(metadata={"description": "each new invoice is e-mailed, with its PDF, to `email`"})


class PaperlessSchema(Schema):
    paperless = fields.Boolean(required=True, metadata={"description": "true: e-mail each new invoice with its PDF"})


class LastPaymentSchema(Schema):
    amount = Money()
    date = fields.Date(allow_none=True)
    payment_id = fields.String(allow_none=True)


class PaymentStatusSchema(Schema):
    last_payment = fields.Nested(LastPaymentSchema)
    outstanding_balance = Money()
    payment_due = Money()


class AccountSchema(Schema):
    profile = fields.Nested(ProfileSchema)
    payment_status = fields.Nested(PaymentStatusSchema)


class InvoiceQuerySchema(PageQuerySchema):
    start = fields.Date(
        metadata={
            "description": "inclusive; default 24 months before end for status=all, "
            "no limit for status=open (every open invoice)"
        }
    )
    end = fields.Date(metadata={"description": "inclusive; default today for status=all, no limit for status=open"})
    status = fields.String(load_default="all", validate=validate.OneOf(["all", "open"]))

    @validates_schema
    def start_before_end(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("The start date must not be after the end date.", field_name="start")


class InvoiceRowSchema(Schema):
    number = fields.String()
    date = fields.Date()
    due_date = fields.Date()
    amount = Money()
    balance = Money()
    status = fields.String()


class InvoicePageSchema(PageSchema):
    items = fields.List(fields.Nested(InvoiceRowSchema))


class InvoiceDetailSchema(InvoiceRowSchema):
    charges_total = Money()
    tax_total = Money()
    paid_total = Money()
    adjustment_total = Money()


class ChargeSchema(Schema):
    description = fields.String(required=True, validate=validate.Length(min=1, max=200))
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    quantity = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    unit_price = Money(required=True)
    amount = Money(dump_only=True)
    tax = Money(load_default=None)


class ChargesSchema(Schema):
    invoice = fields.String()
    items = fields.List(fields.Nested(ChargeSchema))
    subtotal = Money()
    tax = Money()
    total = Money()


class AppliedPaymentSchema(Schema):
    payment_id = fields.String()
    date = fields.Date()
    amount = Money()
    brand = fields.String()
    last4 = fields.String()


class InvoicePaymentsSchema(Schema):
    invoice = fields.String()
    items = fields.List(fields.Nested(AppliedPaymentSchema))


class EmailRequestSchema(Schema):
    email = fields.Email(validate=validate.Length(max=254))


class EmailQueuedSchema(Schema):
    status = fields.String()
    email = fields.String()


class AllocationSchema(Schema):
    invoice = fields.String(required=True, validate=NUMBER)
    amount = Money(required=True, validate=positive_money)


class ReservationRequestSchema(Schema):
    payment_id = fields.String(required=True, validate=PAYMENT_ID)
    account = fields.String(required=True, validate=NUMBER)
    allocations = fields.List(fields.Nested(AllocationSchema), required=True, validate=validate.Length(min=1, max=100))


class RefundedAllocationSchema(Schema):
    invoice = fields.String(required=True, validate=NUMBER)
    refunded = Money(required=True, metadata={"description": "refunded of this invoice's amount so far (a total)"})


class PartialRefundSchema(Schema):
    allocations = fields.List(
        fields.Nested(RefundedAllocationSchema), required=True, validate=validate.Length(min=1, max=100)
    )


class ReservationSchema(Schema):
    payment_id = fields.String()
    status = fields.String()
    expires_at = fields.DateTime()


class ConfirmSchema(Schema):
    paid_at = fields.DateTime(load_default=None)
    brand = fields.String(load_default="", validate=validate.Length(max=64))
    last4 = fields.String(load_default="", validate=validate.Regexp(r"^(\d{4})?$", error="Four digits."))


class StatusSchema(Schema):
    payment_id = fields.String()
    status = fields.String()


class AccountOnFileSchema(Schema):
    email = fields.String()
    name = fields.String()


class ConfirmedSchema(StatusSchema):
    account = fields.Nested(AccountOnFileSchema(), metadata={"description": "the address and name on file"})


class InternalAccountSchema(Schema):
    account = fields.String(attribute="system_number")
    name = fields.String()
    email = fields.String()


class OpenInvoiceSchema(Schema):
    number = fields.String()
    date = fields.Date()
    due_date = fields.Date()
    amount = Money()
    balance = Money()
    reserved = Money(metadata={"description": "held by payments in flight"})


OPEN_INVOICES_ACCOUNTS_MAX = 500


class OpenInvoicesOfRequestSchema(Schema):
    accounts = fields.List(
        fields.String(validate=NUMBER),
        required=True,
        validate=validate.Length(min=1, max=OPEN_INVOICES_ACCOUNTS_MAX),
        metadata={"description": f"up to {OPEN_INVOICES_ACCOUNTS_MAX} accounts' system numbers"},
    )
    due_by = fields.Date(required=True, metadata={"description": "open invoices due on or before this day"})


class AccountOpenInvoicesSchema(Schema):
    account = fields.String()
    invoices = fields.List(fields.Nested(OpenInvoiceSchema()))


class OpenInvoicesOfSchema(Schema):
    accounts = fields.List(
        fields.Nested(AccountOpenInvoicesSchema()),
        metadata={"description": "the accounts asked for that have open invoices due by then, in the order asked"},
    )
