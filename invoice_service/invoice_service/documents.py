"""Invoice PDFs from the database, and e-mailing them through the notification queue."""

import base64
import logging

import redis
from flask import current_app

from billpay_common.email_limits import EmailLimits, same_address, sent_elsewhere_notice
from billpay_common.errors import Unavailable, Unprocessable
from billpay_common.logs import current_request_id
from billpay_common.queue import INVOICE_EMAIL, EmailJob, publish

from . import billing, pdf
from .extensions import redis_ext

log = logging.getLogger(__name__)


def _company():
    config = current_app.config
    return {"name": config["COMPANY_NAME"], "address": config["COMPANY_ADDRESS"], "phone": config["COMPANY_PHONE"]}


def filename(number):
    return f"invoice-{number}.pdf"


def invoice_pdf(account, number):
    detail = billing.invoice_detail(account, number)
    charges = [
        {
            column: getattr(charge, column)
            for column in ("description", "period_start", "period_end", "quantity", "unit_price", "amount", "tax")
        }
        for charge in billing.invoice_charges(account, number)["items"]
    ]
    profile = billing.profile(billing.get_account(account))
    return pdf.render_invoice(_company(), profile, detail, charges, billing.applied_payments(number))


def invoice_email_job(account, number, to, event_id=None):
    """The `invoice.email` job: the invoice's figures and its PDF, for `to`."""
    profile = billing.profile(billing.get_account(account))
    detail = billing.invoice_detail(account, number)
    document = invoice_pdf(account, number)
    ids = {"event_id": event_id} if event_id else {}
    return EmailJob(
        type=INVOICE_EMAIL,
        to=to,
        account=account,
        request_id=current_request_id() or "",
        data={
            "invoice": number,
            "date": detail["date"].isoformat(),
            "due_date": detail["due_date"].isoformat(),
            "amount": str(detail["amount"]),
            "balance": str(detail["balance"]),
            "account": account,
            "account_name": profile["name"],
            "filename": filename(number),
            "pdf_base64": base64.b64encode(document).decode(),
        },
        **ids,
    )


def email_invoice(account, number, email=None):
    """Queue the invoice PDF for e-mail, within the daily limits (429 over them), with a notice to the account's
    own address when it goes elsewhere; returns the address it goes to."""
    profile = billing.profile(billing.get_account(account))
    to = email or profile["email"]
    if not to:
        raise Unprocessable(
            "No e-mail address is on file: enter the address to send the invoice to.", fields={"email": "Required."}
        )
    job = invoice_email_job(account, number, to)
    limits = EmailLimits.from_config(current_app.config, redis_ext.client, redis_ext.prefix)
    try:
        limits.take(account, to, "The invoice was not sent.")
        publish(redis_ext.client, redis_ext.prefix, job)
        if profile["email"] and not same_address(to, profile["email"]):
            notice = sent_elsewhere_notice(
                account, profile["name"], profile["email"], to, f"invoice {number}", request_id=job.request_id
            )
            publish(redis_ext.client, redis_ext.prefix, notice)
    except redis.RedisError as error:
        log.warning("invoice e-mail not queued: %s", error)
        raise Unavailable(
            "The invoice cannot be e-mailed right now. Please try again in a few minutes.", code="email_unavailable"
        ) from error
    return to
