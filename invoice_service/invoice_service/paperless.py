"""Paperless billing: an account that chose it gets each new invoice e-mailed with its PDF, once.

A delivery row is written in the same transaction as the new invoice (the import's batch or the office's
POST), so no new invoice is missed; sending comes after the commit and marks the row, so none goes twice
from here. Its event id is fixed per invoice, so a re-send after a lost answer is dropped by notification_service.
"""

import logging

import redis
from sqlalchemy import select

from billpay_common.clock import utcnow
from billpay_common.queue import publish

from . import billing, documents
from .extensions import db, redis_ext
from .models import BillingAccount, Invoice, PaperlessDelivery

log = logging.getLogger(__name__)
BATCH = 100


def set_choice(account, paperless, actor):
    found = billing.get_account(account)
    found.paperless, found.paperless_set_by = bool(paperless), actor[:80]
    db.session.commit()
    return found


def stage_new_invoices(numbers):
    """Stage a delivery for each of these new invoices whose account is paperless (the caller commits)."""
    if not numbers:
        return 0
    rows = db.session.execute(
        select(Invoice.number, Invoice.account)
        .join(BillingAccount, BillingAccount.system_number == Invoice.account)
        .where(Invoice.number.in_(list(numbers)), BillingAccount.paperless.is_(True))
    ).all()
    for number, account in rows:
        db.session.add(PaperlessDelivery(invoice=number, account=account))
    return len(rows)


def event_id(number):
    return f"paperless-{number}"


def send_pending(limit=BATCH):
    """Queue the e-mail of staged deliveries (one batch); Redis down leaves the rest for the next call. Returns how
    many were handled."""
    pending = db.session.scalars(
        select(PaperlessDelivery)
        .where(PaperlessDelivery.queued_at.is_(None))
        .order_by(PaperlessDelivery.created_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    sent = 0
    for delivery in pending:
        to = billing.get_account(delivery.account).email
        if not to:
            delivery.queued_at, delivery.last_error = utcnow(), "no e-mail address on file; not sent"
            sent += 1  # handled: counted so that send_all_quietly goes on to the next batch
            continue
        try:
            publish(redis_ext.client, redis_ext.prefix, _job(delivery, to))
        except redis.RedisError as error:
            delivery.attempts, delivery.last_error = delivery.attempts + 1, f"redis: {type(error).__name__}"
            log.warning("paperless e-mails paused, Redis unreachable: %s", error)
            break
        delivery.queued_at = utcnow()
        sent += 1
    db.session.commit()
    return sent


def _job(delivery, to):
    return documents.invoice_email_job(delivery.account, delivery.invoice, to, event_id=event_id(delivery.invoice))


def send_quietly():
    """After new invoices commit: send now, never failing the request or import that made them."""
    try:
        return send_pending()
    except Exception:  # logged; the rows stay staged for the next send (`flask --app invoice_service paperless-send`)
        db.session.rollback()
        log.exception("paperless e-mails not sent now; they stay queued")
        return 0


def send_all_quietly():
    """After an import: every staged delivery, batch after batch, until none is left or Redis stops taking them."""
    total = 0
    while (sent := send_quietly()) > 0:
        total += sent
    return total
