"""View Invoices / View Open Invoices, and per invoice: Charges, Payments, View (PDF) and Email."""

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for

from . import portal
from .backend import BackendError, call, login_required
from .formatting import date_range
from .forms import EmailInvoiceForm
from .pages import fetch, page_number, segment

PER_PAGE = 25
PASSED_PDF_HEADERS = ("Content-Type", "Content-Disposition")


@portal.get("/invoices")
@login_required
def invoices():
    status = "open" if request.args.get("status") == "open" else "all"
    typed = {field: request.args.get(field) or "" for field in ("start", "end")}
    start, end, errors = date_range(typed["start"], typed["end"], date.today(), open_only=status == "open")
    result = {"items": [], "page": 1, "pages": 0, "total": 0}
    if not errors:
        result = fetch(
            "invoice",
            "/invoices",
            start=start and start.isoformat(),
            end=end and end.isoformat(),
            status=status,
            page=page_number(request.args.get("page")),
            per_page=PER_PAGE,
        )
    # Fields and page links carry only what the subscriber typed, never a default: a default range carried
    # into List Open Invoices would hide older open invoices that the balance still counts.
    query = {"status": status, **{field: text for field, text in typed.items() if text}}
    page = render_template(
        "invoices.html",
        result=result,
        query=query,
        shown={"start": start, "end": end},
        errors=errors,
        status=status,
        **typed,
    )
    return page, 400 if errors else 200


@portal.get("/invoices/<number>/charges")
@login_required
def invoice_charges(number):
    invoice = fetch("invoice", f"/invoices/{segment(number)}")
    charges = fetch("invoice", f"/invoices/{segment(number)}/charges")
    return render_template("invoice_charges.html", invoice=invoice, charges=charges)


@portal.get("/invoices/<number>/payments")
@login_required
def invoice_payments(number):
    invoice = fetch("invoice", f"/invoices/{segment(number)}")
    payments = fetch("invoice", f"/invoices/{segment(number)}/payments")
    return render_template("invoice_payments.html", invoice=invoice, payments=payments["items"])


@portal.get("/invoices/<number>/pdf")
@login_required
def invoice_pdf(number):
    try:
        upstream = call("invoice", "GET", f"/invoices/{segment(number)}/pdf")
    except BackendError as error:
        abort(error.status if 400 <= error.status < 500 else 502, description=error.message)
    response = Response(upstream.data, status=200)
    for header in PASSED_PDF_HEADERS:
        if header in upstream.headers:
            response.headers[header] = upstream.headers[header]
    response.headers["Cache-Control"] = "private, no-store"
    return response


@portal.route("/invoices/<number>/email", methods=["GET", "POST"])
@login_required
def email_invoice(number):
    invoice = fetch("invoice", f"/invoices/{segment(number)}")
    form = EmailInvoiceForm()
    service_error = None
    if form.validate_on_submit():
        try:
            queued = call("invoice", "POST", f"/invoices/{segment(number)}/email", {"email": form.email.data})
        except BackendError as error:
            form.email.errors = [error.fields.get("email", error.message)]
            service_error = error
        else:
            flash(f"Invoice {invoice['number']} was queued for e-mail to {queued['email']}.", "info")
            return redirect(url_for("portal.email_invoice", number=invoice["number"]))
    elif request.method == "GET":
        form.email.data = fetch("invoice", "/account")["profile"].get("email") or ""
    status = 200 if request.method == "GET" else (service_error.status if service_error else 400)
    return render_template("invoice_email.html", invoice=invoice, form=form), status
