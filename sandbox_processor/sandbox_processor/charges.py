"""Charges by token, answered as the test card's number decided when it was tokenized (see outcomes).

One charge per reference, whatever the retries (a processor's idempotency key). A one-time token pays once;
an attached one (a saved card) pays again and again."""

from sqlalchemy.exc import IntegrityError

from billpay_common.errors import Conflict, DomainError, NotFound

from . import ach
from .ledger import Charge, db
from .outcomes import MESSAGES, TIMEOUT_CHARGED, TIMEOUT_NOT_CHARGED
from .tokens import payment_method

DECLINED_STATUS = "declined"


class Declined(DomainError):
    status = 402


class LostAnswer(DomainError):
    status, code = 504, "timeout"


def charge(reference, amount, method_id, capture):
    bank_account = ach.bank_account(method_id)
    if bank_account is not None:
        return _debit(reference, amount, bank_account)
    existing = db.session.get(Charge, reference)
    method = payment_method(method_id)
    if existing is not None:
        _decline_again(existing, method)
        return existing
    if method.outcome == TIMEOUT_NOT_CHARGED:
        raise LostAnswer(f"sandbox: no answer for {reference}")
    if method.outcome in MESSAGES:
        _record(reference, amount, method, DECLINED_STATUS)  # as a gateway keeps its declined attempts
        raise Declined(MESSAGES[method.outcome], code=method.outcome)
    if method.used and not method.attached:
        raise Conflict("This card token was already used: tokenize the card again.", code="payment_method_used")
    record = _record(reference, amount, method, "charged" if capture else "authorized")
    if method.outcome == TIMEOUT_CHARGED:
        raise LostAnswer(f"sandbox: answer lost for {reference}")
    return record


def _debit(reference, amount, bank_account):
    if ach.debit_found(reference) is None:
        ach.refuse_used(bank_account)
    return ach.as_charge(ach.debit(reference, amount, bank_account))


def _decline_again(existing, method):
    """A retry of a declined reference is declined again, never charged."""
    if existing.status == DECLINED_STATUS:
        raise Declined(MESSAGES[method.outcome], code=method.outcome)


def _record(reference, amount, method, status):
    record = Charge(reference=reference, amount=amount, payment_method=method.id, status=status)
    method.used = method.used or status != DECLINED_STATUS
    db.session.add(record)
    try:
        db.session.commit()
    except IntegrityError:  # the same reference at the same moment: one charge only
        db.session.rollback()
        return db.session.get_one(Charge, reference)
    return record


def found(reference):
    debit = ach.debit_found(reference)
    if debit is not None:
        return ach.as_charge(debit)
    record = db.session.get(Charge, reference)
    if record is None:
        raise NotFound(f"sandbox: no charge {reference}", code="resource_missing")
    return record


def move(reference, status, allowed):
    if ach.debit_found(reference) is not None:
        raise Conflict(f"sandbox: {reference} is an ACH debit, which cannot become {status}", code="invalid_state")
    record = found(reference)
    if record.status not in allowed:
        raise Conflict(f"sandbox: {reference} is {record.status}, cannot become {status}", code="invalid_state")
    record.status = status
    db.session.commit()
    return record


def count():
    return db.session.query(Charge).count()
