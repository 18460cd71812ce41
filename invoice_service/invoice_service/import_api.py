"""The office's import over HTTP (a clerk's staff token): the file is the request body, read as it arrives by the
same streamed, batched importer as the `import` command, and the answer lists every rejected row."""

import io
import logging

from flask import current_app, g, request
from flask_smorest import Blueprint

from billpay_common.staff_auth import CLERK, staff_required

from . import importer
from .ops_schemas import ImportQuerySchema, ImportResultSchema

log = logging.getLogger(__name__)
blp = Blueprint("ops_import", __name__, url_prefix="/ops", description="Accounting office: invoice import")
REJECTIONS_LISTED = 1000  # the rest are counted; a file that bad wants fixing at its source


@blp.post("/imports")
@staff_required(CLERK)
@blp.arguments(ImportQuerySchema(), location="query")
@blp.response(200, ImportResultSchema)
def import_file(query):
    """Body: the CSV or JSONL file itself (docs/invoice-import.md). 200 with the counts per kind and the rejected
    rows (`line`, `reason`); the good rows are stored even when some are rejected."""
    rejected = []

    def on_reject(line, reason):
        if len(rejected) < REJECTIONS_LISTED:
            rejected.append({"line": line, "reason": reason})

    lines = io.TextIOWrapper(request.stream, encoding="utf-8-sig", newline="")
    summary = importer.import_lines(
        lines, query["format"], current_app.config["INVOICE_IMPORT_BATCH_SIZE"], on_reject=on_reject
    )
    totals = {outcome: summary.total(outcome) for outcome in ("created", "updated", "unchanged", "rejected")}
    log.info("invoice file imported", extra={"fields": {**totals, "actor": g.actor}})
    return {
        "counts": {kind: dict(counts) for kind, counts in summary.counts.items()},
        "totals": totals,
        "rejected": rejected,
    }
