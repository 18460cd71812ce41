"""The daily AutoPay run: for every account with AutoPay on, charge each open invoice that has fallen due, through
the portal's payment path (reserve, charge, settle, receipt), retry declines on the schedule, suspend after the
last one, and e-mail the advance notice of an amount that differs from the last AutoPay charge.

Exactly once: an attempt's row (account, invoice, due date, attempt) is committed with its payment before the
processor is called, so a second worker's insert fails and it moves on; a crash leaves the payment processing for
the reconciler, which looks it up at the processor and never charges again. `today` is passed in: the worker
gives the real date, tests and `autopay run --date` any other.

Accounts are run `concurrency` at a time, each on a thread with its own app context and database session, all
under one Pacer: at 100 charges/s and a processor answering in 400 ms about 40 charges are in flight (Little's
law). No thread holds a database connection while invoice_service or the processor answers, or while it waits
for its slot, so the pool (PAYMENT_DATABASE_POOL_SIZE) need not be as wide as the run."""

import logging
import threading
import zlib
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import Flask, current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from billpay_common.clock import utcnow
from billpay_common.errors import DomainError
from billpay_common.http import ServiceUnavailable

from . import ach_authorizations, autopay, cards, charging, dunning
from .autopay_pacing import InFlight, Pacer
from .extensions import db
from .models import Allocation, AutoPayAttempt, AutoPayEnrolment, Payment, PaymentProfile, new_id
from .payment_status import INITIAL, PaymentStatus
from .ports import InvoiceReservations
from .processor import PaymentSource, Processor
from .unit_of_work import SqlUnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AttemptAnswers:
    """The RequestAnswers of an AutoPay attempt: a refusal that charged nothing (invoice_service away, the amount
    no longer fits) frees the attempt, so the next run tries again; a decline or a charge keeps it."""

    payment_id: str

    def answer(self, status: int, error: DomainError | None = None) -> None:
        if status >= 400 and status != 402:
            self.forget()

    def forget(self) -> None:
        db.session.execute(delete(AutoPayAttempt).where(AutoPayAttempt.payment_id == self.payment_id))


@dataclass(frozen=True)
class Shard:
    """One of `count` processes sharing a run: each account is in exactly one shard, the same one every run (the
    CRC-32 of its number). A shard is only a share of the work; the attempt rows still decide who charges."""

    index: int = 0
    count: int = 1

    def holds(self, account: str) -> bool:
        return self.count == 1 or zlib.crc32(account.encode()) % self.count == self.index

    @classmethod
    def parse(cls, text: str) -> "Shard":
        """ "K/N", K from 0 to N - 1."""
        index, slash, count = text.partition("/")
        if not (slash and index.isdigit() and count.isdigit() and 0 <= int(index) < int(count)):
            raise ValueError(f"{text!r} is not a shard: give K/N with 0 <= K < N, say 0/2.")
        return cls(int(index), int(count))


Attempts = dict[tuple[str, date], list[Any]]  # earlier attempts by (invoice, due date), first to last
BATCH = 100  # accounts whose enrolments and open invoices are read in one query and one call to invoice_service


def run(
    today: date,
    *,
    invoices: InvoiceReservations,
    processor: Processor,
    pacer: Pacer,
    concurrency: int = 1,
    shard: Shard | None = None,
) -> dict[str, int]:
    """Counts of what happened to the shard's accounts: succeeded, pending, declined, suspended, noticed, refused,
    taken, error, ...; and `in_flight_max`, the most charges that were waiting for the processor at once."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    in_flight = InFlight()
    due_by = today + timedelta(days=current_app.config["AUTOPAY_NOTICE_DAYS"])

    def one_account(enrolment: Enrolled, rows: list[dict[str, Any]], earlier: Attempts) -> Counter[str]:
        with app.app_context():  # a session of the thread's own
            try:
                return _run_account_safely(enrolment, rows, earlier, today, invoices, processor, pacer, in_flight)
            finally:
                db.session.remove()

    summary: Counter[str] = Counter()
    # A batch is read just before its accounts' turn, so what invoice_service listed is seconds old when charged.
    queued = threading.BoundedSemaphore(concurrency + BATCH)
    started: list[Future[Counter[str]]] = []
    workers = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="autopay")
    try:
        for accounts in _batches(_accounts_on(shard or Shard())):
            for enrolment, rows, earlier in _read_batch(accounts, today, due_by, invoices, summary):
                queued.acquire()
                started.append(workers.submit(one_account, enrolment, rows, earlier))
                started[-1].add_done_callback(lambda _: queued.release())
        for future in started:
            summary.update(future.result())
    finally:  # a run stopped by a crash (BaseException) starts no further account
        workers.shutdown(cancel_futures=True)
    if in_flight.most:
        summary["in_flight_max"] = in_flight.most
    return dict(summary)


@dataclass(frozen=True)
class Enrolled:
    account: str
    since: datetime  # the enrolment's last change: declines before it do not count against the retry schedule


def _read_batch(accounts, today, due_by, invoices, summary) -> list[tuple[Enrolled, list[dict[str, Any]], Attempts]]:
    """The batch's enrolments still on, their open invoices by due_by and the earlier attempts of those due;
    nothing (an error each) when invoice_service cannot answer: the next run tries again. What was read is only a
    guide: the attempt's insert is what keeps two runs from charging one invoice twice."""
    query = select(AutoPayEnrolment.account, AutoPayEnrolment.updated_at).where(
        AutoPayEnrolment.account.in_(accounts), AutoPayEnrolment.status == autopay.ON
    )
    enrolled = [Enrolled(*row) for row in db.session.execute(query.order_by(AutoPayEnrolment.account))]
    db.session.rollback()  # no connection held while invoice_service answers
    if not enrolled:
        return []
    try:
        rows_of = dict(open_invoices_by_account(invoices, [each.account for each in enrolled], due_by))
    except (ServiceUnavailable, DomainError):
        log.exception(
            "AutoPay run: %d accounts' open invoices could not be read; the next run tries again", len(enrolled)
        )
        summary["error"] += len(enrolled)
        return []
    batch = [(each, rows_of[each.account]) for each in enrolled]
    due = [row["number"] for _, rows in batch for row in rows if date.fromisoformat(row["due_date"]) <= today]
    earlier = _attempts_of_invoices(due)
    return [(each, rows, earlier) for each, rows in batch]


def _run_account_safely(enrolment, rows, earlier, today, invoices, processor, pacer, in_flight) -> Counter[str]:
    summary: Counter[str] = Counter()
    try:
        _run_account(enrolment, rows, earlier, today, invoices, processor, pacer, in_flight, summary)
    except Exception:  # one account's trouble (invoice_service away, a bad row) must not stop the others
        db.session.rollback()
        log.exception("AutoPay run: account %s failed; the next run tries again", enrolment.account)
        summary["error"] += 1
    return summary


def _batches(accounts: list[str]) -> Iterator[list[str]]:
    return (accounts[start : start + BATCH] for start in range(0, len(accounts), BATCH))


def _accounts_on(shard: Shard) -> list[str]:
    query = select(AutoPayEnrolment.account).where(AutoPayEnrolment.status == autopay.ON)
    ordered = db.session.scalars(query.order_by(AutoPayEnrolment.account))
    accounts = [account for account in ordered if shard.holds(account)]
    db.session.rollback()
    return accounts


def open_invoices_by_account(
    invoices: InvoiceReservations, accounts: list[str], due_by: date
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(account, its open invoices due by then) for each account, asking invoice_service BATCH accounts a call."""
    for batch in _batches(accounts):
        rows_of = invoices.open_invoices_of(batch, due_by)  # type: ignore[attr-defined]
        yield from ((account, rows_of.get(account, [])) for account in batch)


def _run_account(enrolment, rows, earlier, today, invoices, processor, pacer, in_flight, summary):
    account = enrolment.account
    for row in rows:
        number, due = row["number"], date.fromisoformat(row["due_date"])
        balance, reserved = Decimal(row["balance"]), Decimal(row["reserved"])
        if due > today:
            summary[dunning.notice_before(account, number, due, balance)] += 1
            continue
        attempts = earlier.get((number, due), [])
        attempt = next_attempt(attempts, enrolment.since, today, autopay.retry_days())
        if attempt is None or balance <= 0 or reserved > 0:
            summary["skipped"] += 1
            continue
        db.session.rollback()  # no connection held while this thread waits for its slot
        pacer.wait()
        with in_flight.one():
            summary[_charge(account, number, due, balance, attempt, today, invoices, processor)] += 1


def _attempt_rows():
    return select(AutoPayAttempt.attempt, AutoPayAttempt.run_date, AutoPayAttempt.created_at, Payment.status).join(
        Payment, Payment.id == AutoPayAttempt.payment_id
    )


def attempts_of(account: str, invoice: str, due: date) -> list[Any]:
    """The attempts of one due date, first to last: (attempt, run_date, created_at, status)."""
    query = _attempt_rows().where(
        AutoPayAttempt.account == account, AutoPayAttempt.invoice == invoice, AutoPayAttempt.due_date == due
    )
    return list(db.session.execute(query.order_by(AutoPayAttempt.attempt)).all())


def _attempts_of_invoices(numbers: list[str]) -> Attempts:
    """attempts_of for many invoices in one query, keyed by (invoice, due date)."""
    if not numbers:
        return {}
    query = _attempt_rows().add_columns(AutoPayAttempt.invoice, AutoPayAttempt.due_date)
    found: Attempts = {}
    for row in db.session.execute(query.where(AutoPayAttempt.invoice.in_(numbers)).order_by(AutoPayAttempt.attempt)):
        found.setdefault((row.invoice, row.due_date), []).append(row)
    db.session.rollback()
    return found


def declines_since(attempts: list[Any], since: datetime) -> tuple[int, date | None]:
    """Declines under the current enrolment (a new one, or a new card, starts the schedule afresh) and the day
    of the first attempt under it."""
    current = [row for row in attempts if row.created_at >= since]
    declines = sum(1 for row in current if row.status is PaymentStatus.DECLINED)
    return declines, (current[0].run_date if current else None)


def next_attempt(attempts: list[Any], since: datetime, today: date, schedule: list[int]) -> int | None:
    """1 for a first charge; the next number when a retry is due; None while one is in flight, done or over."""
    if not attempts:
        return 1
    last = attempts[-1]
    if last.status is PaymentStatus.FAILED:
        return last.attempt + 1  # never charged (or refunded unapplied): nothing was taken, so try again now
    if last.status is not PaymentStatus.DECLINED:
        return None
    declines, first_run = declines_since(attempts, since)
    if declines == 0:
        return last.attempt + 1
    if declines > len(schedule) or first_run is None:
        return None
    return last.attempt + 1 if today >= first_run + timedelta(days=schedule[declines - 1]) else None


def lock_enrolment(account: str) -> AutoPayEnrolment | None:
    """Hold the enrolment until the attempt commits, so a turn-off either comes first (no charge) or after the
    attempt has started. A no-op write: a row lock on PostgreSQL, the write lock on SQLite (a read first would
    fail there if another worker wrote in between)."""
    db.session.execute(
        update(AutoPayEnrolment)
        .where(AutoPayEnrolment.account == account)
        .values(status=AutoPayEnrolment.status, updated_at=AutoPayEnrolment.updated_at)
    )
    return db.session.get(AutoPayEnrolment, account, populate_existing=True)


def _start(account, invoice, due, amount, attempt, today) -> tuple[Payment, PaymentProfile] | str:
    """Commit the attempt and its payment, unless AutoPay was turned off or another worker took the attempt."""
    db.session.rollback()
    enrolment = lock_enrolment(account)
    profile = db.session.get(PaymentProfile, enrolment.profile_id) if enrolment and enrolment.profile_id else None
    if enrolment is None or enrolment.status != autopay.ON or profile is None:
        db.session.rollback()
        return "off"
    if profile.kind == "card" and cards.expiry_problem(profile.exp_month, profile.exp_year, today):
        return dunning.suspend_for_expired_card(enrolment, profile, invoice, amount)
    if profile.kind == "us_bank_account":
        ach_authorizations.debit_under_autopay(account, profile.id, utcnow())
    payment = Payment(
        id=new_id(),
        account=account,
        account_name="",
        status=INITIAL,
        amount=amount,
        kind=profile.kind,
        brand=profile.brand,
        last4=profile.last4,
        exp_month=profile.exp_month,
        exp_year=profile.exp_year,
        profile_id=profile.id,
        allocations=[Allocation(invoice=invoice, amount=amount, position=0)],
    )
    db.session.add(payment)
    db.session.add(
        AutoPayAttempt(
            account=account, invoice=invoice, due_date=due, attempt=attempt, payment_id=payment.id, run_date=today
        )
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return "taken"
    return payment, profile


def _charge(account, invoice, due, amount, attempt, today, invoices, processor) -> str:
    started = _start(account, invoice, due, amount, attempt, today)
    if isinstance(started, str):
        return started
    payment, profile = started
    try:
        payment = charging.charge(
            payment,
            PaymentSource(token=profile.token, kind=profile.kind),
            save_card=False,
            request=AttemptAnswers(payment.id),
            invoices=invoices,
            processor=processor,
            uow=SqlUnitOfWork(),
        )
    except DomainError as refused:
        if refused.status != 402:
            log.warning("AutoPay charge of invoice %s refused: %s", invoice, refused.code)
            return "refused"
        return dunning.after_decline(payment, invoice, due)
    return payment.status.value
