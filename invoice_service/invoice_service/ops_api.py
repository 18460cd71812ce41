"""The accounting office's endpoints (a staff token with the role each names): billing accounts and invoices."""

from flask import g
from flask_smorest import Blueprint

from billpay_common.staff_auth import CLERK, SUPERVISOR, VIEWER, staff_required

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
@staff_required(CLERK)
@blp.arguments(AccountCreateSchema())
@blp.response(201, AccountOutSchema)
def create_account(body):
    return invoicing.create_account(body)


@blp.get("/accounts/<system_number>")
@staff_required(VIEWER)
@blp.response(200, AccountSchema)
def account(system_number):
    return billing.account_summary(system_number)


@blp.patch("/accounts/<system_number>")
@staff_required(CLERK)
@blp.arguments(AccountUpdateSchema())
@blp.response(200, AccountOutSchema)
def update_account(body, system_number):
    """`paperless` is the subscriber's choice, set here when they ask the office (the actor is recorded)."""
    if "paperless" in body:
        paperless.set_choice(system_number, body.pop("paperless"), g.actor)
    return invoicing.update_account(system_number, body)


@blp.get("/accounts/<system_number>/invoices")
@staff_required(VIEWER)
@blp.response(200, OpsListedInvoiceSchema(many=True))
def account_invoices(system_number):
    return invoicing.account_invoices(system_number)


@blp.post("/invoices")
@staff_required(CLERK)
@blp.arguments(InvoiceCreateSchema())
@blp.response(201, OpsInvoiceSchema)
def create_invoice(body):
    return invoicing.create_invoice(body)


@blp.post("/invoices/<number>/adjustments")
@staff_required(CLERK)
@blp.arguments(AdjustmentSchema())
@blp.response(200, OpsInvoiceSchema)
def adjust_invoice(body, number):
    return invoicing.adjust_invoice(number, body["amount"], body["reason"], g.actor)


@blp.post("/invoices/<number>/void")
@staff_required(SUPERVISOR)
@blp.arguments(VoidSchema())
@blp.response(200, OpsInvoiceSchema)
def void_invoice(body, number):
    return invoicing.void_invoice(number, body["reason"], g.actor)
