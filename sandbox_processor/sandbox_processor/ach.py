"""Bank-account tokens and ACH debits. A debit does not settle at once: it is `processing` until
SANDBOX_ACH_SETTLEMENT_DAYS banking days have passed on the sandbox's clock, then `succeeded` or `returned`
with the R code its test account number stands for. Each change is an event (GET /v1/events), shaped like the
payment_intent.succeeded / payment_intent.payment_failed events Stripe sends for us_bank_account payments."""

import datetime
import secrets

from flask import current_app
from sqlalchemy.exc import IntegrityError

from billpay_common.errors import Conflict, NotFound

from . import bank_accounts
from .ledger import AchDebit, BankAccountMethod, MicrodepositVerification, SandboxClock, db
from .outcomes import ACH_MICRODEPOSITS, ACH_SETTLES, RETURN_REASONS, ach_outcome_of
from .tokens import PREFIX, CardError, fingerprint

EVENT_PREFIX = "evt_sbx_"


def today():
    clock = db.session.get(SandboxClock, 1)
    return clock.today if clock else datetime.datetime.now(datetime.UTC).date()


def set_today(day):
    clock = db.session.get(SandboxClock, 1) or SandboxClock(id=1, today=day)
    clock.today = day
    db.session.add(clock)
    db.session.commit()
    return {"today": day}


def create_bank_account(entered):
    try:
        account = bank_accounts.validate_bank_account(
            entered.get("routing_number"),
            entered.get("account_number"),
            entered.get("account_type"),
            entered.get("account_holder_name"),
        )
    except bank_accounts.BankAccountInvalid as invalid:
        message = next(iter(invalid.fields.values()))
        raise CardError(message, code="invalid_bank_account", fields=invalid.fields) from None
    method = BankAccountMethod(
        id=PREFIX + secrets.token_hex(12),
        outcome=ach_outcome_of(account.account_number),
        bank_name=account.bank_name,
        account_type=account.account_type,
        last4=account.last4,
        routing_number=account.routing_number,
        fingerprint=fingerprint(account.routing_number + ":" + account.account_number),
    )
    db.session.add(method)
    db.session.commit()
    return method


def bank_account(method_id):
    return db.session.get(BankAccountMethod, method_id)


def debit(reference, amount, method):
    existing = db.session.get(AchDebit, reference)
    if existing is not None:
        return existing
    started = today()
    days = current_app.config["SANDBOX_ACH_SETTLEMENT_DAYS"]
    record = AchDebit(
        reference=reference,
        amount=amount,
        payment_method=method.id,
        started_on=started,
        settles_on=bank_accounts.add_banking_days(started, days),
    )
    db.session.add(record)
    try:
        db.session.commit()
    except IntegrityError:  # the same reference at the same moment: one debit only
        db.session.rollback()
        return db.session.get_one(AchDebit, reference)
    return record


def debit_found(reference):
    return db.session.get(AchDebit, reference)


def status_of(record):
    """processing, succeeded or returned, as of the sandbox's clock."""
    if today() < record.settles_on:
        return "processing"
    return "succeeded" if _outcome(record) in (ACH_SETTLES, ACH_MICRODEPOSITS) else "returned"


def return_code(record):
    outcome = _outcome(record)
    return outcome if status_of(record) == "returned" else None


def _outcome(record):
    return db.session.get_one(BankAccountMethod, record.payment_method).outcome


def events(limit=10, starting_after=None, created_gte=None):
    """(a page of events, whether more follow): each debit that settled or was returned by today, newest first as
    Stripe lists them, with stable ids (a receiver applies each id once); only those created at or after the Unix
    time `created_gte`, and after the event `starting_after` when given."""
    cursor = _cursor(starting_after) if starting_after is not None else None
    since = datetime.datetime.fromtimestamp(created_gte, datetime.UTC).date() if created_gte is not None else None
    sources = ((AchDebit, AchDebit.settles_on, AchDebit.reference), VERIFICATIONS)
    found = []
    for model, day, key in sources:
        rows = db.session.query(model).filter(day <= today())
        if since is not None:
            rows = rows.filter(day >= since)
        if cursor is not None:
            rows = rows.filter((day < cursor[0]) | ((day == cursor[0]) & (key < cursor[1])))
        found += rows.order_by(day.desc(), key.desc()).limit(limit + 1).all()
    found.sort(key=_sort_key, reverse=True)
    return [_event_of(record) for record in found[:limit]], len(found) > limit


VERIFICATIONS = (MicrodepositVerification, MicrodepositVerification.verified_on, MicrodepositVerification.setup_intent)


def _sort_key(record):
    if isinstance(record, AchDebit):
        return record.settles_on, record.reference
    return record.verified_on, record.setup_intent


def _cursor(event_id):
    key = event_id.removeprefix(EVENT_PREFIX)
    record = db.session.get(AchDebit, key) or db.session.get(MicrodepositVerification, key)
    if record is None:
        raise NotFound(f"No such event: {event_id}", code="resource_missing")
    return _sort_key(record)


def _event_of(record):
    return _event(record) if isinstance(record, AchDebit) else _verified_event(record)


def _verified_event(record):
    """setup_intent.succeeded: a bank account that awaited microdeposits was verified."""
    return {
        "id": f"{EVENT_PREFIX}{record.setup_intent}",
        "type": "setup_intent.succeeded",
        "created": _created(record.verified_on),
        "data": {"object": {"id": record.setup_intent, "object": "setup_intent", "status": "succeeded"}},
    }


def _created(day):
    return int(datetime.datetime.combine(day, datetime.time(), datetime.UTC).timestamp())


def as_charge(record):
    return {
        "reference": record.reference,
        "status": status_of(record),
        "amount": record.amount,
        "payment_method": record.payment_method,
        "return_code": return_code(record),
    }


def _event(record):
    code = return_code(record)
    kind = "payment_intent.payment_failed" if code else "payment_intent.succeeded"
    error = None
    if code:
        method = {"id": record.payment_method, "type": "us_bank_account"}
        error = {"code": RETURN_REASONS[code], "ach_return_code": code, "payment_method": method}
    return {
        "id": f"{EVENT_PREFIX}{record.reference}",
        "type": kind,
        "created": _created(record.settles_on),
        "data": {
            "object": {
                "id": record.reference,
                "object": "payment_intent",
                "metadata": {"billpay_payment_id": record.reference},
                "status": "requires_payment_method" if code else "succeeded",
                "amount": record.amount,
                "payment_method": record.payment_method,
                "last_payment_error": error,
            }
        },
    }


def require(method_id):
    method = bank_account(method_id)
    if method is None:
        raise NotFound(f"No such payment method: {method_id}", code="resource_missing")
    return method


def attach(method_id):
    method = require(method_id)
    method.attached = True
    db.session.commit()
    return method


def refuse_used(method):
    if not method.attached and db.session.query(AchDebit).filter_by(payment_method=method.id).count():
        raise Conflict("This bank-account token was already used: enter the account again.", code="payment_method_used")
