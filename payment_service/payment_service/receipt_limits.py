"""A receipt to an address other than the account's own counts against the daily e-mail limits (shared with
"E-mail this invoice"), checked before anything is charged; a receipt to the account's own address never does:
every payment sends one."""

import redis
from flask import current_app

from billpay_common.email_limits import EmailLimits, same_address
from billpay_common.errors import Unavailable

from .charging import NO_CHARGE
from .clients import ServiceUnavailable
from .extensions import redis_ext

OVER_LIMIT = (
    "Nothing was charged: send the receipt to the account's own address (or leave the address empty) to pay now."
)


def count_receipt_elsewhere(account, receipt_email, invoices):
    """Raise 429 when a receipt to `receipt_email`, not the account's own address, is over a daily limit."""
    try:
        own = invoices.account(account).get("email") or ""
    except ServiceUnavailable as down:
        raise Unavailable(NO_CHARGE, code="try_again_shortly") from down
    if same_address(own, receipt_email):
        return
    limits = EmailLimits.from_config(current_app.config, redis_ext.client, redis_ext.prefix)
    try:
        limits.take(account, receipt_email, OVER_LIMIT)
    except redis.RedisError as down:
        raise Unavailable(NO_CHARGE, code="try_again_shortly") from down
