"""The e-mails the stack's SMTP sink wrote as .eml files (devtools/mail_sink.py)."""

import email
from email import policy

from .waiting import wait_for


def messages(mail_dir):
    """Every message in the sink's folder, oldest file name first."""
    paths = sorted(mail_dir.glob("*.eml")) if mail_dir.exists() else []
    return [email.message_from_bytes(path.read_bytes(), policy=policy.default) for path in paths]


def wait_for_mail(mail_dir, predicate, timeout=30):
    """The first message in the SMTP sink's folder that satisfies `predicate`, polled to a deadline."""

    def first_match():
        return next((message for message in messages(mail_dir) if predicate(message)), None)

    return wait_for(first_match, timeout, f"a matching e-mail in {mail_dir}", interval=0.2)


def plain_text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def pdf_attachments(message):
    return [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]
