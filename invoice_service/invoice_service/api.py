"""Subscriber endpoints: the Billing page, invoices, charges, payments, PDF and e-mail (Bearer token)."""

from flask import current_app, g, make_response
from flask_smorest import Blueprint

from billpay_common.tokens import account_required

from . import billing, documents, paperless
from .schemas import (
    AccountSchema,
    ChargesSchema,
    EmailQueuedSchema,
    EmailRequestSchema,
    InvoiceDetailSchema,
    InvoicePageSchema,
    InvoicePaymentsSchema,
    InvoiceQuerySchema,
    PaperlessSchema,
)

blp = Blueprint("billing", __name__, description="Subscriber billing: account, invoices, PDFs")


@blp.get("/account")
@account_required
@blp.response(200, AccountSchema)
def account():
    return billing.account_summary(g.account)


@blp.put("/account/paperless")
@account_required
@blp.arguments(PaperlessSchema())
@blp.response(200, AccountSchema)
def set_paperless(body):
    """Paperless billing on or off: each new invoice e-mailed with its PDF to the address on file."""
    paperless.set_choice(g.account, body["paperless"], "subscriber")
    return billing.account_summary(g.account)


@blp.get("/invoices")
@account_required
@blp.arguments(InvoiceQuerySchema(), location="query")
@blp.response(200, InvoicePageSchema)
def invoices(query):
    return billing.list_invoices(
        g.account,
        query.get("start"),
        query.get("end"),
        query["status"],
        query["page"],
        query["per_page"],
        current_app.config["INVOICE_HISTORY_MONTHS"],
    )


@blp.get("/invoices/<number>")
@account_required
@blp.response(200, InvoiceDetailSchema)
def invoice(number):
    return billing.invoice_detail(g.account, number)


@blp.get("/invoices/<number>/charges")
@account_required
@blp.response(200, ChargesSchema)
def charges(number):
    return billing.invoice_charges(g.account, number)


@blp.get("/invoices/<number>/payments")
@account_required
@blp.response(200, InvoicePaymentsSchema)
def payments(number):
    return billing.invoice_payments(g.account, number)


@blp.get("/invoices/<number>/pdf")
@account_required
@blp.response(200, content_type="application/pdf")
def invoice_pdf(number):
    response = make_response(documents.invoice_pdf(g.account, number))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{documents.filename(number)}"'
    return response


@blp.post("/invoices/<number>/email")
@account_required
@blp.arguments(EmailRequestSchema())
@blp.response(202, EmailQueuedSchema)
def email(body, number):
    return {"status": "queued", "email": documents.email_invoice(g.account, number, body.get("email"))}
