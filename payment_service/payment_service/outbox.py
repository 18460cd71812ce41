"""The outbox: e-mail jobs written with the change they announce, then relayed to the Redis stream."""

import logging

import redis
from sqlalchemy.exc import SQLAlchemyError

from billpay_common.clock import utcnow
from billpay_common.email_limits import same_address, sent_elsewhere_notice
from billpay_common.errors import DomainError
from billpay_common.logs import current_request_id
from billpay_common.queue import PAYMENT_RECEIPT, EmailJob, publish

from .clients import ServiceUnavailable
from .extensions import db
from .models import OutboxEvent

log = logging.getLogger(__name__)
BATCH = 100


def add_event(event_type, account, to, data):
    """Stage an event in the caller's transaction."""
    event = OutboxEvent(
        type=event_type, account=account, to=to or None, data=data, request_id=current_request_id() or ""
    )
    db.session.add(event)
    return event


# In an event's data: the account's {"email", "name"} on file, when whoever wrote the event already had them
# (invoice_service's confirm answers them); the relay then needs no look-up. Never published.
ON_FILE = "account_on_file"


def _on_file(event, accounts):
    known = event.data.get(ON_FILE)
    return known if known is not None else accounts.get(event.account)


class _Accounts:
    """invoice_service's e-mail and name of each account, asked once per relay run."""

    def __init__(self, client):
        self.client, self.known = client, {}

    def get(self, account):
        if account not in self.known:
            self.known[account] = self.client.account(account)
        return self.known[account]


def _complete(event, accounts):
    to, data = event.to, dict(event.data)
    data.pop(ON_FILE, None)
    if not to or ("account_name" in data and not data["account_name"]):
        found = _on_file(event, accounts)
        to = to or found.get("email")
        if "account_name" in data and not data["account_name"]:
            data["account_name"] = found.get("name") or ""
    return to, data


def _notice(event, accounts, data):
    """The notice to the account's own address when its receipt goes to another one, else None."""
    if event.type != PAYMENT_RECEIPT or not event.to:
        return None
    found = _on_file(event, accounts)
    own = found.get("email") or ""
    if not own or same_address(own, event.to):
        return None
    document = f"receipt for payment {data.get('payment_id', '')}".strip()
    name = data.get("account_name") or found.get("name") or ""
    return sent_elsewhere_notice(
        event.account, name, own, event.to, document, event_id=f"{event.event_id}-notice", request_id=event.request_id
    )


def relay(redis_client, key_prefix, invoice_client, account=None):
    """Publish unsent events (of one account, when given) in order; Redis down leaves them for the next run.
    Returns how many were sent."""
    query = db.session.query(OutboxEvent).filter(OutboxEvent.sent_at.is_(None))
    if account is not None:
        query = query.filter(OutboxEvent.account == account)
    events = query.order_by(OutboxEvent.id).limit(BATCH).with_for_update(skip_locked=True).all()
    accounts, sent = _Accounts(invoice_client), 0
    for event in events:
        try:
            to, data = _complete(event, accounts)
            notice = _notice(event, accounts, data)
        except ServiceUnavailable as error:
            event.attempts, event.last_error = event.attempts + 1, f"account lookup: {error}"[:255]
            break  # invoice_service is away: the rest waits too, in order
        except DomainError as error:
            event.sent_at, event.last_error = utcnow(), f"not sent, account lookup refused: {error.message}"[:255]
            log.error("outbox event %s dropped: account %s unknown to invoice_service", event.event_id, event.account)
            continue
        if not to:
            event.sent_at, event.last_error = utcnow(), "no e-mail address on file; not sent"
            continue
        job = EmailJob(
            type=event.type,
            to=to,
            data=data,
            account=event.account,
            event_id=event.event_id,
            request_id=event.request_id,
        )
        try:
            publish(redis_client, key_prefix, job)
            if notice is not None:
                publish(redis_client, key_prefix, notice)
        except redis.RedisError as error:
            event.attempts, event.last_error = event.attempts + 1, f"redis: {type(error).__name__}"
            log.warning("outbox relay paused, Redis unreachable: %s", error)
            break
        event.sent_at, sent = utcnow(), sent + 1
    db.session.commit()
    return sent


def relay_now(redis_client, key_prefix, invoice_client, account=None):
    """Right after a payment commits, relay the account's events at once (its receipt leaves in milliseconds,
    never behind other accounts' backlog); whatever this cannot send, the worker's next round does. Never fails
    the request that called it: the payment is already saved."""
    try:
        relay(redis_client, key_prefix, invoice_client, account)
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("immediate outbox relay skipped, the worker will relay: %s", type(error).__name__)
