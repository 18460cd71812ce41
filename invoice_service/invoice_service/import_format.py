"""Reading an import file one record at a time (CSV or JSONL), never the whole file. Pure: no database.

Yields (line, kind, record) with kind "account" or "invoice" (charges folded into their invoice), or
(line, "error", reason) for a row that cannot be read. See docs/invoice-import.md.
"""

import csv
import json
from decimal import Decimal

from .records import RecordError, check_total, clean_account, clean_charge, clean_invoice, clean_invoice_header

CSV_COLUMNS = (
    "record",
    "account",
    "name",
    "line1",
    "line2",
    "city",
    "state",
    "zip",
    "account_type",
    "status",
    "comm_type",
    "online_date",
    "phone",
    "email",
    "invoice",
    "date",
    "due_date",
    "amount",
    "description",
    "period_start",
    "period_end",
    "quantity",
    "unit_price",
    "tax",
)
ACCOUNT_COLUMNS = CSV_COLUMNS[2:14]
INVOICE_COLUMNS = ("date", "due_date", "amount")
CHARGE_COLUMNS = CSV_COLUMNS[18:]


def read_records(lines, fmt):
    return _read_csv(lines) if fmt == "csv" else _read_jsonl(lines)


def _read_jsonl(lines):
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line, parse_float=Decimal)
            if not isinstance(raw, dict):
                raise RecordError("a line must be one JSON object")
            kind = raw.get("record")
            if kind == "account":
                yield line_number, "account", clean_account(raw)
            elif kind == "invoice":
                if not isinstance(raw.get("charges", []), list):
                    raise RecordError("charges must be a list")
                yield line_number, "invoice", clean_invoice(raw)
            else:
                raise RecordError(f"record must be 'account' or 'invoice', not {kind!r}")
        except (ValueError, TypeError, AttributeError) as error:
            reason = str(error) if isinstance(error, RecordError) else f"not valid JSON: {error}"
            yield line_number, "error", reason


def _read_csv(lines):
    reader = csv.reader(lines)
    header = [name.strip() for name in next(reader, None) or []]
    missing = [name for name in ("record", "account", "invoice") if name not in header]
    if missing:
        yield 1, "error", f"the header row lacks the column(s) {', '.join(missing)}"
        return
    position = {name: header.index(name) for name in CSV_COLUMNS if name in header}
    width = len(header)

    def pick(row, names):
        return {name: row[position[name]] for name in names if name in position}

    pending = None  # (line, invoice record or None once rejected, its number) collecting its charge rows
    for row in reader:
        line = reader.line_num
        if len(row) < width:
            row = row + [""] * (width - len(row))
        kind, number = row[position["record"]].strip(), row[position["invoice"]].strip()
        if kind == "charge":
            if pending is None or number != pending[2]:
                yield line, "error", "a charge row must follow its invoice row (same invoice number)"
            elif pending[1] is not None:
                try:
                    pending[1]["charges"].append(clean_charge(pick(row, CHARGE_COLUMNS)))
                except RecordError as error:
                    yield line, "error", f"invoice {number} not imported: {error}"
                    pending = (pending[0], None, number)
            continue
        if pending is not None:
            yield from _finish(pending)
            pending = None
        try:
            if kind == "account":
                yield (
                    line,
                    "account",
                    clean_account({"system_number": row[position["account"]], **pick(row, ACCOUNT_COLUMNS)}),
                )
            elif kind == "invoice":
                pending = (line, None, number)
                pending = (
                    line,
                    clean_invoice_header(
                        {"number": number, "account": row[position["account"]], **pick(row, INVOICE_COLUMNS)}
                    ),
                    number,
                )
            elif kind or any(row):
                raise RecordError(f"record must be 'account', 'invoice' or 'charge', not {kind!r}")
        except RecordError as error:
            yield line, "error", str(error)
            if kind != "invoice":
                pending = None
    if pending is not None:
        yield from _finish(pending)


def _finish(pending):
    line, invoice, _ = pending
    if invoice is None:
        return  # already reported; its charge rows go with it
    try:
        check_total(invoice)
    except RecordError as error:
        yield line, "error", str(error)
        return
    yield line, "invoice", invoice
