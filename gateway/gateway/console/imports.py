"""Upload an import file: the browser shows the upload's progress (console.js), invoice_service imports it as it
arrives and answers with the counts and every rejected row, shown here."""

from flask import current_app, render_template, request

from billpay_common.http import ServiceUnavailable
from billpay_common.staff_auth import CLERK

from . import console, staff

IMPORT_TIMEOUT_SECONDS = 600  # a file of millions of rows takes minutes; every other call keeps its short timeout


@console.get("/import")
@staff.role_required(CLERK)
def import_form():
    return render_template("console/import.html", result=None, error=None)


@console.post("/import")
@staff.role_required(CLERK)
def import_file():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("console/import.html", result=None, error="Choose a CSV or JSONL file."), 422
    fmt = "jsonl" if upload.filename.lower().endswith((".jsonl", ".json")) else "csv"
    try:
        result = staff.call(
            "invoice",
            "POST",
            f"/ops/imports?format={fmt}",
            body=upload.stream,
            headers={"Content-Type": "text/csv" if fmt == "csv" else "application/x-ndjson"},
            timeout=IMPORT_TIMEOUT_SECONDS,
        )
    except staff.Refused as error:
        return render_template("console/import.html", result=None, error=error.message), error.status
    except ServiceUnavailable:
        current_app.logger.warning("import: invoice_service did not answer")
        error = "invoice_service did not answer. Part of the file may be stored: importing it again is safe."
        return render_template("console/import.html", result=None, error=error), 503
    return render_template("console/import.html", result=result, filename=upload.filename, error=None)
