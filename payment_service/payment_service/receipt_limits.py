"""A receipt to an address other than the account's own counts against the daily e-mail limits (shared with
"E-mail this invoice"), checked before anything is charged; a receipt to the account's own address never does:
every payment sends one. When invoice_service or Redis cannot answer, the payment goes on uncounted (logged): a
payment matters more than a receipt limit, and the payment path itself answers for invoice_service being away."""

import logging

import redis
from flask import current_app

from billpay_common.email_limits import EmailLimits, same_address

from .clients import ServiceUnavailable
from .extensions import redis_ext

log = logging.getLogger(__name__)

OVER_LIMIT = (
    "Nothing was charged: send the receipt to the account's own address (or leave the address empty) to pay now."
)


def count_receipt_elsewhere(account, receipt_email, invoices):
    """Raise 429 when a receipt to `receipt_email`, not the account's own address, is over a daily limit."""
    try:
        own = invoices.account(account).get("email") or ""
    except ServiceUnavailable as down:
        log.warning("receipt to another address not counted, invoice_service unreachable: %s", down)
        return
    if same_address(own, receipt_email):
        return
    limits = EmailLimits.from_config(current_app.config, redis_ext.client, redis_ext.prefix)
    try:
        limits.take(account, receipt_email, OVER_LIMIT)
    except redis.RedisError as down:
        log.warning("receipt to another address not counted, Redis unreachable: %s", down)
