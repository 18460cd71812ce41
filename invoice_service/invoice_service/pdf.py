"""An invoice as a one-or-more-page PDF. Pure: plain values in, bytes out, no database or Flask."""

import io

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from billpay_common.money import display_money

LEFT, RIGHT, TOP, BOTTOM = 54, 558, 740, 72
LINE = 14


class _Page:
    """A cursor over a reportlab canvas that starts a new page when the current one is full."""

    def __init__(self, title):
        self.buffer = io.BytesIO()
        self.canvas = canvas.Canvas(self.buffer, pagesize=letter, invariant=1)
        self.canvas.setTitle(title)
        self.y = TOP

    def text(self, x, value, bold=False, size=10, right=False):
        self.canvas.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        (self.canvas.drawRightString if right else self.canvas.drawString)(x, self.y, str(value))

    def down(self, lines=1):
        self.y -= LINE * lines
        if self.y < BOTTOM:
            self.canvas.showPage()
            self.y = TOP

    def rule(self):
        self.canvas.line(LEFT, self.y + 4, RIGHT, self.y + 4)
        self.down(0.5)

    def finish(self):
        self.canvas.save()
        return self.buffer.getvalue()


def _period(charge):
    start, end = charge.get("period_start"), charge.get("period_end")
    return f"{start:%m/%d/%Y} - {end:%m/%d/%Y}" if start and end else ""


def render_invoice(company, account, invoice, charges, payments):
    """company: name/address/phone; account: profile dict; invoice: row dict plus totals; lists of dicts."""
    page = _Page(f"Invoice {invoice['number']}")
    page.text(LEFT, company["name"], bold=True, size=16)
    page.text(RIGHT, "INVOICE", bold=True, size=16, right=True)
    page.down(1.4)
    page.text(LEFT, company["address"])
    page.text(RIGHT, f"Invoice Number: {invoice['number']}", right=True)
    page.down()
    page.text(LEFT, f"Phone: {company['phone']}")
    page.text(RIGHT, f"Invoice Date: {invoice['date']:%m/%d/%Y}", right=True)
    page.down()
    page.text(RIGHT, f"Due Date: {invoice['due_date']:%m/%d/%Y}", right=True)
    page.down(2)
    page.text(LEFT, "Bill To", bold=True)
    page.down()
    address = account["address"]
    city_line = f"{address['city']}, {address['state']} {address['zip']}".strip(", ")
    for line in (
        account["name"],
        address["line1"],
        address["line2"],
        city_line,
        f"Account: {account['system_number']}",
    ):
        if line:
            page.text(LEFT, line)
            page.down()
    page.down()
    _charges_table(page, charges)
    _totals(page, invoice)
    _payments_table(page, payments)
    page.down()
    page.text(LEFT, "Balance Due", bold=True, size=12)
    page.text(RIGHT, display_money(invoice["balance"]), bold=True, size=12, right=True)
    return page.finish()


def _charges_table(page, charges):
    for x, heading, right in (
        (LEFT, "Description", False),
        (300, "Service Period", False),
        (400, "Qty", True),
        (450, "Unit Price", True),
        (505, "Tax", True),
        (RIGHT, "Amount", True),
    ):
        page.text(x, heading, bold=True, right=right)
    page.down()
    page.rule()
    for charge in charges:
        page.text(LEFT, charge["description"][:44])
        page.text(300, _period(charge))
        page.text(400, charge["quantity"], right=True)
        page.text(450, display_money(charge["unit_price"]), right=True)
        page.text(505, display_money(charge["tax"]), right=True)
        page.text(RIGHT, display_money(charge["amount"]), right=True)
        page.down()
    page.rule()


def _totals(page, invoice):
    rows = [("Subtotal", invoice["charges_total"]), ("Tax", invoice["tax_total"]), ("Invoice Total", invoice["amount"])]
    if invoice.get("adjustment_total"):
        rows.append(("Adjustments", invoice["adjustment_total"]))
    for label, value in rows:
        page.text(450, label, right=True)
        page.text(RIGHT, display_money(value), right=True)
        page.down()
    page.down()


def _payments_table(page, payments):
    page.text(LEFT, "Payments Applied", bold=True)
    page.down()
    if not payments:
        page.text(LEFT, "None")
        page.down()
    for payment in payments:
        card = f"{payment['brand']} ending {payment['last4']}" if payment.get("last4") else payment.get("brand", "")
        page.text(LEFT, f"{payment['date']:%m/%d/%Y}")
        page.text(150, card)
        page.text(RIGHT, "-" + display_money(payment["amount"]), right=True)
        page.down()
