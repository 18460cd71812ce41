"""Jobs that may happen later travel on Redis Streams as JSON: names and message shape live here."""

import dataclasses
import json
import uuid
from decimal import Decimal

EMAIL_STREAM = "stream:email"
EMAIL_GROUP = "notification-workers"

PAYMENT_RECEIPT = "payment.receipt"
INVOICE_EMAIL = "invoice.email"
PAYMENT_REFUND = "payment.refund"
ACCESS_GRANTED = "access.granted"
PROFILE_EXPIRING = "profile.expiring"
PASSCODE_RESET = "passcode.reset"
SENT_ELSEWHERE = "sent.elsewhere"  # to the account's own address: an invoice or receipt went to another one
AUTOPAY_ENROLLED = "autopay.enrolled"
AUTOPAY_TURNED_OFF = "autopay.turned_off"
AUTOPAY_NOTICE = "autopay.notice"
AUTOPAY_DECLINED = "autopay.declined"
AUTOPAY_SUSPENDED = "autopay.suspended"
PAYMENT_RETURNED = "payment.returned"  # a bank-account (ACH) debit came back from the bank with a return code
AUTOPAY_TYPES = (AUTOPAY_ENROLLED, AUTOPAY_TURNED_OFF, AUTOPAY_NOTICE, AUTOPAY_DECLINED, AUTOPAY_SUSPENDED)
EMAIL_TYPES = (
    PAYMENT_RECEIPT,
    INVOICE_EMAIL,
    PAYMENT_REFUND,
    ACCESS_GRANTED,
    PROFILE_EXPIRING,
    PASSCODE_RESET,
    SENT_ELSEWHERE,
    PAYMENT_RETURNED,
    *AUTOPAY_TYPES,
)


@dataclasses.dataclass(frozen=True)
class EmailJob:
    """One e-mail to send. `data` holds what the template needs: never a card number or passcode
    (a set-passcode link, single-use and short-lived, is the one credential an e-mail carries)."""

    type: str
    to: str
    data: dict
    account: str = ""
    event_id: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex)
    request_id: str = ""

    def to_json(self):
        return json.dumps(dataclasses.asdict(self), default=_encode, sort_keys=True)

    @classmethod
    def from_json(cls, raw):
        fields = json.loads(raw)
        return cls(
            **{
                name: fields[name]
                for name in ("type", "to", "data", "account", "event_id", "request_id")
                if name in fields
            }
        )


def _encode(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def publish(redis_client, key_prefix, job: EmailJob):
    """Append the job to the e-mail stream; raises redis.RedisError when Redis is down."""
    if job.type not in EMAIL_TYPES:
        raise ValueError(f"unknown e-mail type {job.type}")
    return redis_client.xadd(key_prefix + EMAIL_STREAM, {"job": job.to_json()})
