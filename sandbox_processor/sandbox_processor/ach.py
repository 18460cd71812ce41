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
from .ledger import AchDebit, BankAccountMethod, SandboxClock, db
from .outcomes import ACH_SETTLES, RETURN_REASONS, ach_outcome_of
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
    return "succeeded" if _outcome(record) == ACH_SETTLES else "returned"


def return_code(record):
    outcome = _outcome(record)
    return outcome if status_of(record) == "returned" else None


def _outcome(record):
    return db.session.get_one(BankAccountMethod, record.payment_method).outcome


def events(limit=10, starting_after=None, created_gte=None):
    """(a page of events, whether more follow): each debit that settled or was returned by today, newest first as
    Stripe lists them, with stable ids (a receiver applies each id once); only those created at or after the Unix
    time `created_gte`, and after the event `starting_after` when given."""
    debits = db.session.query(AchDebit).filter(AchDebit.settles_on <= today())
    if created_gte is not None:
        debits = debits.filter(AchDebit.settles_on >= datetime.datetime.fromtimestamp(created_gte, datetime.UTC).date())
    if starting_after is not None:
        cursor = db.session.get(AchDebit, starting_after.removeprefix(EVENT_PREFIX))
        if cursor is None:
            raise NotFound(f"No such event: {starting_after}", code="resource_missing")
        debits = debits.filter(
            (AchDebit.settles_on < cursor.settles_on)
            | ((AchDebit.settles_on == cursor.settles_on) & (AchDebit.reference < cursor.reference))
        )
    page = debits.order_by(AchDebit.settles_on.desc(), AchDebit.reference.desc()).limit(limit + 1).all()
    return [_event(record) for record in page[:limit]], len(page) > limit


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
