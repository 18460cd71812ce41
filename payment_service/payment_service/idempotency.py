"""Idempotency-Key handling: the record is inserted first, under a unique (account, key), in the same
transaction as the payment it admits, so concurrent requests with one key make exactly one payment.

A request's fingerprint covers what it asks for but no card secret: the card enters it only as brand,
last 4 and expiry.
"""

import dataclasses
import hashlib
import json
import time
from datetime import timedelta
from typing import Any, TypeAlias, cast

from flask import current_app
from sqlalchemy import CursorResult, Row, delete, select, update
from sqlalchemy.exc import IntegrityError, NoResultFound

from billpay_common.clock import utcnow
from billpay_common.errors import Conflict, DomainError, Unprocessable

from .extensions import db
from .models import IdempotencyRecord, Payment

POLL_SECONDS = 0.05
# fingerprint, state, payment_id, response_status, error_code, error_message
RecordRow: TypeAlias = Row[Any, Any, Any, Any, Any, Any]


def fingerprint(request_values: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(request_values, sort_keys=True, default=str).encode()).hexdigest()


def begin(account: str, key: str, request_fingerprint: str, payment: Payment) -> RecordRow | None:
    """None when this request is the key's first (payment and record are committed together);
    otherwise the finished record of the first request with this key."""
    now = utcnow()
    db.session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.account == account, IdempotencyRecord.key == key, IdempotencyRecord.expires_at < now
        )
    )
    ttl = timedelta(hours=current_app.config["IDEMPOTENCY_TTL_HOURS"])
    db.session.add(payment)
    db.session.add(
        IdempotencyRecord(
            account=account,
            key=key,
            fingerprint=request_fingerprint,
            payment_id=payment.id,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    try:
        db.session.commit()
        return None
    except IntegrityError:
        db.session.rollback()
    return _wait_for_first(account, key, request_fingerprint)


def known(account: str, key: str) -> bool:
    """Whether a request with this key came before (its answer will be replayed, nothing done again)."""
    return _load(account, key) is not None


def _load(account: str, key: str) -> RecordRow | None:
    """The record as a plain row (not an ORM object, whose expired attributes would reopen a transaction)."""
    record = IdempotencyRecord
    query = select(
        record.fingerprint,
        record.state,
        record.payment_id,
        record.response_status,
        record.error_code,
        record.error_message,
    ).where(record.account == account, record.key == key)
    return db.session.execute(query).first()


def _wait_for_first(account: str, key: str, request_fingerprint: str) -> RecordRow:
    deadline = time.monotonic() + current_app.config["IDEMPOTENCY_WAIT_SECONDS"]
    while True:
        record = _load(account, key)
        db.session.rollback()  # give the connection back while waiting; the next poll sees new commits
        if record is not None and record.fingerprint != request_fingerprint:
            raise Unprocessable(
                "This Idempotency-Key was already used for a different payment. Use a new key for a new payment.",
                code="idempotency_key_reused",
            )
        if record is not None and record.state == "done":
            return record
        if time.monotonic() > deadline:
            raise Conflict(
                "A payment with this Idempotency-Key is still being processed. "
                "Check your payments before trying again.",
                code="idempotency_key_in_use",
            )
        time.sleep(POLL_SECONDS)


def finish(account: str, key: str, status: int, error: DomainError | None = None) -> None:
    """Stage the first request's answer; the caller's commit stores it with the payment's outcome. One UPDATE in
    the caller's transaction: loading the record to change it cost a SELECT per payment (begin's record object is
    long gone from the session by then, which holds its objects weakly)."""
    answer: dict[str, Any] = {"state": "done", "response_status": status}
    if error is not None:
        answer.update(error_code=error.code, error_message=error.message[:255])
    result = cast(
        CursorResult[Any],
        db.session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.account == account, IdempotencyRecord.key == key)
            .values(**answer)
        ),
    )
    if result.rowcount != 1:
        raise NoResultFound(f"no idempotency record for key {key!r} of account {account}")


def forget(account: str, key: str) -> None:
    """The request changed nothing that matters (no charge): the same key may try again."""
    db.session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.account == account, IdempotencyRecord.key == key)
    )


@dataclasses.dataclass(frozen=True)
class RequestKey:
    """The first request with this key: what a retry with it will be answered (see ports.RequestAnswers)."""

    account: str
    key: str

    def answer(self, status: int, error: DomainError | None = None) -> None:
        finish(self.account, self.key, status, error)

    def forget(self) -> None:
        forget(self.account, self.key)


def close_abandoned(payment_id: str) -> None:
    """A request that died mid-way left its key in use: let replays see the payment from now on."""
    db.session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.payment_id == payment_id, IdempotencyRecord.state == "in_progress")
        .values(state="done", response_status=201)
    )


def replay_error(record: RecordRow) -> None:
    """The first request's refusal, raised again."""
    if record.error_code:
        raise DomainError(record.error_message, code=record.error_code, status=record.response_status)


def purge_expired() -> int:
    result = cast(
        CursorResult[Any], db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at < utcnow()))
    )
    db.session.commit()
    return result.rowcount
