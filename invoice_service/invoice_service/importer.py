"""Bulk import: records from import_format, written in batches, each batch one transaction.

New rows go in with multi-row INSERTs; existing ones are compared and left alone when unchanged, so running
a file twice changes nothing. When a batch fails in the database, its records are retried one by one so
one bad record is reported on its own and never leaves a half-written invoice.
"""

import logging
import queue
import threading
from collections import Counter
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from billpay_common.clock import utcnow

from . import invoicing, paperless
from .extensions import db
from .import_format import read_records
from .invoicing import CREATED, UNCHANGED
from .models import OPEN, BillingAccount, Charge, Invoice
from .records import RecordError

log = logging.getLogger(__name__)
REJECTED = "rejected"


class ImportSummary:
    def __init__(self):
        self.counts: dict[str, Counter[str]] = {"account": Counter(), "invoice": Counter()}

    def total(self, outcome):
        return sum(counter[outcome] for counter in self.counts.values())


def import_lines(lines, fmt, batch_size=2000, on_reject=None):
    """Import every record of `lines` (an iterable of text lines); returns an ImportSummary.

    The file is read in this thread while a second one writes the previous batch, so parsing and the
    database's work overlap; batches are still written one at a time, in file order.
    """
    summary, lock = ImportSummary(), threading.Lock()

    def reject(line, reason, kind="invoice"):
        with lock:
            summary.counts[kind][REJECTED] += 1
            if on_reject:
                on_reject(line, reason)

    writer = _Writer(current_app._get_current_object(), summary, reject)  # type: ignore[attr-defined]
    batch = _Batch()
    try:
        for line, kind, record in read_records(lines, fmt):
            if kind == "error":
                reject(line, record)
                continue
            key = record["system_number"] if kind == "account" else record["number"]
            if batch.holds(kind, key) or batch.size >= batch_size:
                writer.put(batch)
                batch = _Batch()
            batch.add(kind, key, line, record)
        writer.put(batch)
    finally:
        writer.finish()
    paperless.send_all_quietly()
    return summary


class _Writer(threading.Thread):
    """Writes batches in order, one at a time, in its own app context (and so its own session)."""

    def __init__(self, app, summary, reject):
        super().__init__(name="import-writer", daemon=True)
        self.app, self.summary, self.reject = app, summary, reject
        # bounds memory: at most a few batches in flight
        self.batches: queue.Queue[_Batch | None] = queue.Queue(maxsize=2)
        self.error = None
        self.start()

    def run(self):
        with self.app.app_context():
            while (batch := self.batches.get()) is not None:
                if self.error is None:
                    try:
                        batch.write(self.summary, self.reject)
                    except BaseException as error:  # handed to the reading thread, which raises it
                        self.error = error

    def put(self, batch):
        if self.error is not None:
            raise self.error
        self.batches.put(batch)

    def finish(self):
        self.batches.put(None)
        self.join()
        if self.error is not None:
            raise self.error


class _Batch:
    def __init__(self):
        self.items: dict[str, dict[Any, tuple[int, Any]]] = {"account": {}, "invoice": {}}

    @property
    def size(self):
        return len(self.items["account"]) + len(self.items["invoice"])

    def holds(self, kind, key):
        return key in self.items[kind]

    def add(self, kind, key, line, record):
        self.items[kind][key] = (line, record)

    def write(self, summary, reject):
        if not self.size:
            return
        outcomes: list[Any] = []
        try:
            self._write_all(outcomes)
            db.session.commit()
        except SQLAlchemyError as error:
            db.session.rollback()
            log.warning("import batch failed (%s); retrying its records one by one", type(error).__name__)
            outcomes = self._write_one_by_one()
        for kind, line, outcome in outcomes:
            if isinstance(outcome, RecordError):
                reject(line, str(outcome), kind)
            else:
                summary.counts[kind][outcome] += 1

    def _write_all(self, outcomes):
        accounts, invoices = self.items["account"], self.items["invoice"]
        wanted = set(accounts) | {record["account"] for _, record in invoices.values()}
        known = {
            row.system_number: row
            for row in db.session.execute(
                select(BillingAccount.__table__).where(BillingAccount.system_number.in_(wanted))
            )
        }
        new_accounts = []
        for number, (line, record) in accounts.items():
            if number not in known:
                new_accounts.append(record)
                outcomes.append(("account", line, CREATED))
            elif any(getattr(known[number], name) != value for name, value in record.items()):
                outcomes.append(("account", line, invoicing.store_account(record)))
            else:
                outcomes.append(("account", line, UNCHANGED))
        _bulk_insert(BillingAccount.__table__, new_accounts)
        known_accounts = set(known) | set(accounts)
        existing = _stored_invoices(list(invoices))
        new_invoices, new_charges = [], []
        for number, (line, record) in invoices.items():
            if record["account"] not in known_accounts:
                outcomes.append(
                    ("invoice", line, RecordError(f"account {record['account']} does not exist: add the account first"))
                )
            elif number in existing:
                same = existing[number] == _comparable(record, record["charges"])
                outcomes.append(("invoice", line, UNCHANGED if same else _store_existing(record)))
            else:
                row = {name: record[name] for name in ("number", "account", "date", "due_date", "amount")}
                new_invoices.append(
                    {
                        **row,
                        "paid_total": 0,
                        "adjustment_total": 0,
                        "balance": record["amount"],
                        "status": OPEN if record["amount"] > 0 else "paid",
                    }
                )
                new_charges.extend(invoicing.charge_rows(number, record["charges"]))
                outcomes.append(("invoice", line, CREATED))
        _bulk_insert(Invoice.__table__, new_invoices)
        _bulk_insert(Charge.__table__, new_charges)
        paperless.stage_new_invoices([row["number"] for row in new_invoices])

    def _write_one_by_one(self):
        outcomes = []
        for kind, store in (("account", invoicing.store_account), ("invoice", invoicing.store_invoice)):
            for line, record in self.items[kind].values():
                try:
                    outcome = store(record)
                    db.session.commit()
                except RecordError as error:
                    db.session.rollback()
                    outcome = error
                except SQLAlchemyError as error:
                    db.session.rollback()
                    outcome = RecordError(f"the database refused it: {type(error).__name__}")
                outcomes.append((kind, line, outcome))
        return outcomes


def _comparable(invoice, charges):
    return (
        tuple(invoice[name] for name in invoicing.INVOICE_FIELDS),
        [tuple(charge[name] for name in invoicing.CHARGE_FIELDS) for charge in charges],
    )


def _stored_invoices(numbers):
    """{number: comparable form} of the invoices already on file, in two queries for the whole batch."""
    invoices = {
        row.number: row._mapping
        for row in db.session.execute(select(Invoice.__table__).where(Invoice.number.in_(numbers)))
    }
    charges: dict[str, list[Any]] = {number: [] for number in invoices}
    if invoices:
        for row in db.session.execute(
            select(Charge.__table__).where(Charge.invoice.in_(list(invoices))).order_by(Charge.id)
        ):
            charges[row.invoice].append(row._mapping)
    return {number: _comparable(row, charges[number]) for number, row in invoices.items()}


def _bulk_insert(table, rows):
    """Many new rows in this transaction: COPY on PostgreSQL (several times faster), else executemany."""
    if not rows:
        return
    now = utcnow()
    if "created_at" in table.c:
        rows = [{"created_at": now, "updated_at": now, **row} for row in rows]
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    with (
        connection.connection.driver_connection.cursor() as cursor,  # type: ignore[union-attr]
        cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row[column] for column in columns])


def _store_existing(record):
    """An invoice already on file: unchanged, updated, or a RecordError saying why it may not change."""
    try:
        return invoicing.store_invoice(record)  # refuses before it writes anything
    except RecordError as error:
        return error
