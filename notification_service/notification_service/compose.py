"""Turn an e-mail job into a MIME message (HTML and plain-text parts, attachments). Pure: no I/O but templates."""

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate

from jinja2 import Environment, PackageLoader, StrictUndefined, TemplateError, select_autoescape

from billpay_common.money import display_money
from billpay_common.queue import (
    ACCESS_GRANTED,
    AUTOPAY_DECLINED,
    AUTOPAY_ENROLLED,
    AUTOPAY_NOTICE,
    AUTOPAY_SUSPENDED,
    AUTOPAY_TURNED_OFF,
    INVOICE_EMAIL,
    PASSCODE_RESET,
    PAYMENT_RECEIPT,
    PAYMENT_REFUND,
    PAYMENT_RETURNED,
    PROFILE_EXPIRING,
    SENT_ELSEWHERE,
)

SUBJECTS = {
    PAYMENT_RECEIPT: "Payment receipt: confirmation {payment_id}",
    INVOICE_EMAIL: "Invoice {invoice}",
    PAYMENT_REFUND: "Refund of payment {payment_id}",
    ACCESS_GRANTED: "Your online bill pay access",
    PROFILE_EXPIRING: "Your saved card ending in {last4} expires soon",
    PASSCODE_RESET: "Set a new online bill pay passcode",
    SENT_ELSEWHERE: "Your {document} was e-mailed to another address",
    AUTOPAY_ENROLLED: "AutoPay is on for account {account}",
    AUTOPAY_TURNED_OFF: "AutoPay is off for account {account}",
    AUTOPAY_NOTICE: "AutoPay will charge ${amount} on {due_date} for invoice {invoice}",
    AUTOPAY_DECLINED: "Your AutoPay payment for invoice {invoice} was declined",
    AUTOPAY_SUSPENDED: "AutoPay is suspended for account {account}",
    PAYMENT_RETURNED: "Your bank returned payment {payment_id}",
}
ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")


class InvalidJob(Exception):
    """The job cannot become an e-mail (bad address, missing data): sending it again will not help."""


@dataclass(frozen=True)
class Sender:
    mail_from: str
    company_name: str
    company_address: str
    company_phone: str


def _money(value):
    try:
        return display_money(Decimal(str(value)))
    except (InvalidOperation, TypeError, ValueError) as error:
        raise InvalidJob(f"not an amount: {value!r}") from error


def _us_date(value):
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%m/%d/%Y")
    except ValueError as error:
        raise InvalidJob(f"not a date: {value!r}") from error


def _environment():
    env = Environment(
        loader=PackageLoader("notification_service", "templates/email"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = _money
    env.filters["us_date"] = _us_date
    return env


_env = _environment()


def compose(job, sender: Sender):
    if job.type not in SUBJECTS:
        raise InvalidJob(f"unknown e-mail type {job.type!r}")
    if not isinstance(job.to, str) or len(job.to) > 254 or not ADDRESS.match(job.to):
        raise InvalidJob(f"not an e-mail address: {str(job.to)[:80]!r}")
    if not isinstance(job.data, dict):
        raise InvalidJob("the job has no data")
    context = {**job.data, "company": sender, "to": job.to}
    try:
        subject = SUBJECTS[job.type].format(**job.data)
        text = _env.get_template(f"{job.type}.txt").render(context)
        html = _env.get_template(f"{job.type}.html").render(context)
    except (KeyError, TemplateError, TypeError, AttributeError) as error:
        raise InvalidJob(f"the {job.type} job lacks what its e-mail needs: {error}") from error
    # The classic email.mime classes: the same MIME as EmailMessage at a fifth of the cost per message.
    message = MIMEMultipart("alternative")
    message.attach(MIMEText(text, "plain", "utf-8"))
    message.attach(MIMEText(html, "html", "utf-8"))
    if job.type == INVOICE_EMAIL:
        message = _with_pdf(message, job.data)
    message["Subject"] = Header(subject.replace("\n", " "), "utf-8")
    message["From"] = formataddr((sender.company_name, sender.mail_from))
    message["To"] = job.to
    message["Date"] = formatdate(localtime=False)
    # The event id as Message-ID: a receiving system can drop the copy of the one case we cannot (see worker).
    message["Message-ID"] = f"<{job.event_id}@{sender.mail_from.rpartition('@')[2] or 'billpay'}>"
    return message


def _with_pdf(alternative, data):
    try:
        pdf = base64.b64decode(data["pdf_base64"], validate=True)
    except (KeyError, TypeError, binascii.Error) as error:
        raise InvalidJob("the invoice e-mail has no readable PDF") from error
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", str(data.get("filename") or f"invoice-{data['invoice']}.pdf"))
    attachment = MIMEApplication(pdf, "pdf")
    attachment.add_header("Content-Disposition", "attachment", filename=filename)
    message = MIMEMultipart("mixed")
    message.attach(alternative)
    message.attach(attachment)
    return message
