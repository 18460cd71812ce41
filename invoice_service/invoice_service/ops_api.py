"""The accounting office's endpoints (X-Ops-Key): billing accounts and invoices."""

from flask import g
from flask_smorest import Blueprint

from billpay_common.ops import ops_required

from . import billing, invoicing, paperless
from .ops_schemas import (
    AccountCreateSchema,
    AccountOutSchema,
    AccountUpdateSchema,
    AdjustmentSchema,
    InvoiceCreateSchema,
    OpsInvoiceSchema,
    OpsListedInvoiceSchema,
    VoidSchema,
)
from .schemas import AccountSchema

blp = Blueprint("ops", __name__, url_prefix="/ops", description="Accounting office: accounts and invoices")


@blp.post("/accounts")
@ops_required
@blp.arguments(AccountCreateSchema)
@blp.response(201, AccountOutSchema)
def create_account(body):
    return invoicing.create_account(body)


@blp.get("/accounts/<system_number>")
@ops_required
@blp.response(200, AccountSchema)
def account(system_number):
    return billing.account_summary(system_number)


@blp.patch("/accounts/<system_number>")
@ops_required
@blp.arguments(AccountUpdateSchema)
@blp.response(200, AccountOutSchema)
def update_account(body, system_number):
    """`paperless` is the subscriber's choice, set here when they ask the office (the actor is recorded)."""
    if "paperless" in body:
        paperless.set_choice(system_number, body.pop("paperless"), g.actor)
    return invoicing.update_account(system_number, body)


@blp.get("/accounts/<system_number>/invoices")
@ops_required
@blp.response(200, OpsListedInvoiceSchema(many=True))
def account_invoices(system_number):
    return invoicing.account_invoices(system_number)


@blp.post("/invoices")
@ops_required
@blp.arguments(InvoiceCreateSchema)
@blp.response(201, OpsInvoiceSchema)
def create_invoice(body):
    return invoicing.create_invoice(body)


@blp.post("/invoices/<number>/adjustments")
@ops_required
@blp.arguments(AdjustmentSchema)
@blp.response(200, OpsInvoiceSchema)
def adjust_invoice(body, number):
    return invoicing.adjust_invoice(number, body["amount"], body["reason"], g.actor)


@blp.post("/invoices/<number>/void")
@ops_required
@blp.arguments(VoidSchema)
@blp.response(200, OpsInvoiceSchema)
def void_invoice(body, number):
    return invoicing.void_invoice(number, body["reason"], g.actor)
