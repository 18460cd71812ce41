"""What the accounting office sends and gets back."""

from marshmallow import Schema, fields, validate

from billpay_common.money import Money

from .records import ACCOUNT_FIELDS
from .schemas import ChargeSchema, InvoiceRowSchema

# The same length limits as the import's records: one list of an account's text fields and their sizes.
TEXT = {
    name: fields.String(validate=validate.Length(max=limit))
    for name, limit in ACCOUNT_FIELDS.items()
    if name not in {"name", "email"}
}


class AccountUpdateSchema(
    Schema.from_dict(
        {
            **TEXT,
            "name": fields.String(validate=validate.Length(min=1, max=120)),
            "email": fields.Email(validate=validate.Length(max=254)),
            "online_date": fields.Date(allow_none=True),
            "paperless": fields.Boolean(metadata={"description": "e-mail each new invoice with its PDF"}),
        }
    )
):
    pass


class AccountCreateSchema(AccountUpdateSchema):
    system_number = fields.String(required=True, validate=validate.Length(min=1, max=20))
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))


class AccountOutSchema(Schema):
    system_number = fields.String()
    name = fields.String()
    line1, line2, city, state, zip = (fields.String() for _ in range(5))
    account_type, status, comm_type, phone, email = (fields.String() for _ in range(5))
    online_date = fields.Date(allow_none=True)
    paperless = fields.Boolean()
    paperless_set_by = fields.String(allow_none=True, metadata={"description": "who last set paperless"})


class InvoiceCreateSchema(Schema):
    number = fields.String(required=True, validate=validate.Length(min=1, max=20))
    account = fields.String(required=True, validate=validate.Length(min=1, max=20))
    date = fields.Date(required=True)
    due_date = fields.Date(required=True)
    amount = Money(required=True)
    charges = fields.List(fields.Nested(ChargeSchema), load_default=list, validate=validate.Length(max=500))


class OpsInvoiceSchema(InvoiceRowSchema):
    account = fields.String()
    paid_total = Money()
    adjustment_total = Money()


class OpsListedInvoiceSchema(OpsInvoiceSchema):
    reserved = Money(metadata={"description": "held by payments in flight: reserved, not yet confirmed or released"})


class AdjustmentSchema(Schema):
    amount = Money(required=True, metadata={"description": "signed: a credit is negative"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=255))


class VoidSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ImportQuerySchema(Schema):
    format = fields.String(
        load_default="csv", validate=validate.OneOf(["csv", "jsonl"]), metadata={"description": "the body's format"}
    )


class ImportCountsSchema(Schema):
    created = fields.Integer(dump_default=0)
    updated = fields.Integer(dump_default=0)
    unchanged = fields.Integer(dump_default=0)
    rejected = fields.Integer(dump_default=0)


class RejectedRowSchema(Schema):
    line = fields.Integer(metadata={"description": "the file's line (the header is line 1)"})
    reason = fields.String()


class ImportResultSchema(Schema):
    counts = fields.Dict(keys=fields.String(), values=fields.Nested(ImportCountsSchema))
    totals = fields.Nested(ImportCountsSchema)
    rejected = fields.List(fields.Nested(RejectedRowSchema), metadata={"description": "at most the first 1,000"})
