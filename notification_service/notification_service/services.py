"""Delivery log use cases: each one is one transaction on the deliveries table."""

import random
from dataclasses import dataclass
from datetime import timedelta

import redis
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from billpay_common.clock import utcnow
from billpay_common.errors import Conflict, NotFound, Unavailable

from .extensions import db
from .models import DEAD, QUEUED, RETRYING, SENDING, SENT, STATUSES, Delivery


@dataclass(frozen=True)
class Outcome:
    status: str
    delay_seconds: float | None = None


@dataclass
class Claim:
    taken: set  # event ids this worker now holds
    busy: set  # event ids a living worker holds: their entries stay unacknowledged until that worker is done


def claim(jobs, worker, stale_after_seconds):
    """Take a batch of (job, payload) for `worker`.

    An event seen for the first time is inserted already claimed; the unique event id makes a second insert do
    nothing, and then only a conditional update can take it (queued again, due for a retry, a stale claim of a
    dead worker, or this worker's own claim from a batch it did not finish), so two workers never both hold one.
    Neither taken nor busy: sent or dead."""
    now = utcnow()
    rows = {}
    for job, payload in jobs:
        rows.setdefault(
            job.event_id,
            dict(
                event_id=job.event_id,
                type=str(job.type)[:40],
                recipient=str(job.to)[:254],
                account=str(job.account)[:20],
                status=SENDING,
                claimed_by=worker,
                claimed_at=now,
                payload=payload,
                request_id=str(job.request_id)[:64],
                attempts=0,
                last_error="",
                created_at=now,
                updated_at=now,
            ),
        )
    if not rows:
        return Claim(set(), set())
    # The rows as parameter sets of one statement (SQLAlchemy's insertmanyvalues batches them into one INSERT):
    # rows inlined with .values([...]) made each batch a statement of its own, its cache key built and its SQL
    # compiled for every batch.
    first_sight = (
        _dialect_insert()(Delivery).on_conflict_do_nothing(index_elements=["event_id"]).returning(Delivery.event_id)
    )
    taken = set(db.session.scalars(first_sight, list(rows.values())))
    busy = set()
    seen_before = set(rows) - taken
    if seen_before:
        stale = now - timedelta(seconds=stale_after_seconds)
        abandoned = or_(Delivery.claimed_at < stale, Delivery.claimed_by == worker)
        takeable = or_(Delivery.status.in_([QUEUED, RETRYING]), and_(Delivery.status == SENDING, abandoned))
        taken |= set(
            db.session.scalars(
                update(Delivery)
                .where(Delivery.event_id.in_(seen_before), takeable)
                .values(status=SENDING, claimed_by=worker, claimed_at=now)
                .returning(Delivery.event_id)
            )
        )
        if seen_before - taken:
            busy = set(
                db.session.scalars(
                    select(Delivery.event_id).where(
                        Delivery.event_id.in_(seen_before - taken), Delivery.status == SENDING
                    )
                )
            )
    db.session.commit()
    return Claim(taken, busy)


def _dialect_insert():
    """INSERT ... ON CONFLICT DO NOTHING, which PostgreSQL and SQLite both speak."""
    return {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[db.engine.dialect.name]


def record_sent(event_id):
    """The SMTP server accepted it: sent, whoever holds the claim now. The worker holds no Delivery object (claim
    loads none), so the ORM is not asked to find and update one in the session (synchronize_session)."""
    db.session.execute(
        update(Delivery)
        .where(Delivery.event_id == event_id)
        .values(
            status=SENT,
            sent_at=utcnow(),
            attempts=Delivery.attempts + 1,
            last_error="",
            next_attempt_at=None,
            claimed_by=None,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def record_failure(event_id, worker, error, permanent, delays):
    """Retrying with the next backoff delay, or dead; None when another worker took the job over meanwhile."""
    delivery = db.session.get(Delivery, event_id)
    if delivery is None or delivery.status != SENDING or delivery.claimed_by != worker:
        db.session.rollback()
        return None
    delivery.attempts += 1
    delivery.last_error = str(error)[:255]
    delivery.claimed_by = None
    if permanent or delivery.attempts > len(delays):
        delivery.status, delivery.next_attempt_at = DEAD, None
        outcome = Outcome(DEAD)
    else:
        delay = delays[delivery.attempts - 1] * random.uniform(0.8, 1.2)
        delivery.status, delivery.next_attempt_at = RETRYING, utcnow() + timedelta(seconds=delay)
        outcome = Outcome(RETRYING, delay)
    db.session.commit()
    return outcome


def prune_sent(older_than_days, batch=1000):
    """Drop sent e-mails queued more than older_than_days ago, a batch per transaction; returns how many.

    Dead letters stay until someone retries them. A job delivered again after its row is gone would be sent
    again, but by then its stream entry and retries are long over."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    removed = 0
    while True:
        old = db.session.scalars(
            select(Delivery.event_id).where(Delivery.status == SENT, Delivery.created_at < cutoff).limit(batch)
        ).all()
        if not old:
            return removed
        removed += db.session.execute(
            delete(Delivery).where(Delivery.event_id.in_(old), Delivery.status == SENT)
        ).rowcount
        db.session.commit()


def get(event_id):
    delivery = db.session.get(Delivery, event_id)
    if delivery is None:
        raise NotFound(f"No e-mail with event id {event_id}.")
    return delivery


def resend(event_id, stream):
    """Queue one delivery again (a sent one too: the office resends on request)."""
    delivery = get(event_id)
    if delivery.status == SENDING:
        raise Conflict("That e-mail is being sent right now.", code="being_sent")
    _requeue(delivery)
    db.session.commit()
    _enqueue(stream, [delivery])
    return delivery


def requeue_dead(stream, limit=1000):
    """Queue the dead letters again with a fresh set of retries; returns them."""
    dead = db.session.scalars(
        select(Delivery).where(Delivery.status == DEAD).order_by(Delivery.created_at).limit(limit)
    ).all()
    for delivery in dead:
        _requeue(delivery)
    db.session.commit()
    _enqueue(stream, dead)
    return dead


def _requeue(delivery):
    delivery.status, delivery.attempts, delivery.next_attempt_at, delivery.claimed_by = QUEUED, 0, None, None
    delivery.last_error = ""


def _enqueue(stream, deliveries):
    """After the commit: a row marked queued whose job did not reach Redis can simply be resent again."""
    try:
        for delivery in deliveries:
            stream.enqueue(delivery.payload)
    except redis.RedisError as error:
        raise Unavailable("The e-mail queue cannot be reached; resend again shortly.") from error


def find(event_id=None, account=None, status=None, limit=100):
    query = select(Delivery).order_by(Delivery.created_at.desc()).limit(limit)
    if event_id:
        query = query.where(Delivery.event_id == event_id)
    if account:
        query = query.where(Delivery.account == account)
    if status:
        query = query.where(Delivery.status == status)
    return db.session.scalars(query).all()


def counts_by_status():
    rows = db.session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all()
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({status: count for status, count in rows})
    return counts
