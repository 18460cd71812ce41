"""Daily limits on the e-mails a subscriber can send to an address they type ("E-mail this invoice", a receipt
to another address): per account and per recipient, counted in Redis so that every process of every service
shares one count. A day is a UTC day; both counts end at 00:00 UTC.

The recipient's count is kept under a hash of the address, across accounts: many accounts cannot together
flood one address."""

import hashlib
import math
from datetime import UTC, datetime, timedelta

from .clock import utcnow
from .errors import TooManyRequests
from .queue import SENT_ELSEWHERE, EmailJob

ACCOUNT_OVER, RECIPIENT_OVER = 1, 2
# Both counts go up together, and only when both are under their limits: one script, one round trip, atomic.
_TAKE = """
if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then return 1 end
if tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[2]) then return 2 end
for _, key in ipairs(KEYS) do
  redis.call('INCR', key)
  redis.call('EXPIREAT', key, ARGV[3])
end
return 0
"""


def same_address(one, other):
    return bool(one) and bool(other) and one.strip().lower() == other.strip().lower()


def sent_elsewhere_notice(account, account_name, own_address, sent_to, document, **job_fields):
    """The short e-mail to the account's own address saying that its `document` ("invoice 1234", "receipt for
    payment pay_...") went to another address."""
    return EmailJob(
        type=SENT_ELSEWHERE,
        to=own_address,
        account=account,
        data={
            "account": account,
            "account_name": account_name or "Subscriber",
            "document": document,
            "sent_to": sent_to,
            "sent_at": f"{utcnow():%m/%d/%Y %H:%M}",
        },
        **job_fields,
    )


def next_reset(now: datetime) -> datetime:
    """The next 00:00 UTC after `now` (a naive UTC datetime, as billpay_common.clock gives)."""
    return datetime(now.year, now.month, now.day) + timedelta(days=1)


def reset_phrase(now: datetime) -> str:
    """When the counts start again, e.g. "at 00:00 UTC on December 3 (in 5 h 12 min)"."""
    reset = next_reset(now)
    hours, minutes = divmod(max(1, math.ceil((reset - now).total_seconds() / 60)), 60)
    wait = f"{hours} h {minutes} min" if hours else f"{minutes} min"
    return f"at 00:00 UTC on {reset:%B} {reset.day} (in {wait})"


class EmailLimits:
    @classmethod
    def from_config(cls, config, redis_client, key_prefix):
        return cls(
            redis_client,
            key_prefix,
            config["EMAIL_DAILY_LIMIT_PER_ACCOUNT"],
            config["EMAIL_DAILY_LIMIT_PER_RECIPIENT"],
        )

    def __init__(self, redis_client, key_prefix, per_account, per_recipient):
        self.redis, self.prefix = redis_client, key_prefix
        self.per_account, self.per_recipient = per_account, per_recipient

    def _keys(self, account, recipient, day):
        address = hashlib.sha256(recipient.strip().lower().encode()).hexdigest()[:32]
        base = f"{self.prefix}email-limit:{day:%Y-%m-%d}"
        return [f"{base}:account:{account}", f"{base}:to:{address}"]

    def take(self, account, recipient, consequence):
        """Count one e-mail from `account` to `recipient`, or raise TooManyRequests (429) saying when the limit
        resets and `consequence` ("The invoice was not sent."); redis.RedisError when Redis is down."""
        now = utcnow()
        reset = next_reset(now)
        expire_at = int(reset.replace(tzinfo=UTC).timestamp()) + 3600  # an hour's grace for clock skew
        over = self.redis.eval(
            _TAKE, 2, *self._keys(account, recipient, now), self.per_account, self.per_recipient, expire_at
        )
        if over == ACCOUNT_OVER:
            raise TooManyRequests(
                f"This account has e-mailed {self.per_account} invoices and receipts today, its "
                f"daily limit. {consequence} The limit resets {reset_phrase(now)}.",
                code="email_limit_account",
            )
        if over == RECIPIENT_OVER:
            raise TooManyRequests(
                f"{recipient} has been sent {self.per_recipient} invoices and receipts today, the daily limit for "
                f"one address. {consequence} The limit resets {reset_phrase(now)}.",
                code="email_limit_recipient",
            )
