"""Make A Payment, step 1, as pure rules: which invoices and amounts the subscriber chose, and the total.

The balances always come from invoice_service, never from the form; payment_service checks everything again.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from billpay_common.money import ZERO, MoneyError, display_money, parse_money

MAX_INVOICES = 50  # payment_service takes at most 50 allocations in one payment


@dataclass
class Row:
    number: str
    date: str
    balance: Decimal
    selected: bool = True
    amount_text: str = ""
    error: str = ""

    @property
    def field(self):
        return f"amount-{self.number}"


@dataclass
class Selection:
    rows: list
    total: Decimal = ZERO
    errors: dict = field(default_factory=dict)  # field name -> message; "invoices" for the whole table

    @property
    def allocations(self):
        return [{"invoice": row.number, "amount": str(Decimal(row.amount_text))} for row in self.rows if row.selected]


def parse_amount(text, balance):
    """(Decimal, None) for an acceptable amount, else (None, message)."""
    cleaned = (text or "").strip().replace("$", "")
    if not cleaned:
        return None, "Enter a payment amount."
    try:
        amount = parse_money(cleaned, grouped=True)
    except MoneyError as error:
        return None, str(error)
    if amount <= 0:
        return None, "Enter an amount greater than $0.00."
    if amount > balance:
        return None, f"The amount cannot be more than the balance of {display_money(balance)}."
    return amount, None


def initial_rows(open_invoices):
    """Every open invoice selected, each for its whole balance."""
    return [
        Row(item["number"], item["date"], Decimal(item["balance"]), True, str(Decimal(item["balance"])))
        for item in open_invoices[:MAX_INVOICES]
    ]


def total_problem(total, limits):
    """The payment's total against payment_service's PAYMENT_MIN_AMOUNT / PAYMENT_MAX_AMOUNT, or None."""
    least, most = Decimal(limits["min_amount"]), Decimal(limits["max_amount"])
    if total < least:
        return f"The smallest payment we take is {display_money(least)}. Please pay at least that much."
    if total > most:
        return f"The largest payment we take at once is {display_money(most)}. Please pay in parts, or call us."
    return None


def select(open_invoices, selected, amounts, limits=None):
    """Apply the form (`selected`: invoice numbers ticked, `amounts`: field name -> text) to the open invoices;
    `limits` ({"min_amount", "max_amount"}) checks the total too."""
    rows, total, errors = [], ZERO, {}
    for row in initial_rows(open_invoices):
        row.selected = row.number in selected
        row.amount_text = (amounts.get(row.field) or "").strip()
        if row.selected:
            amount, row.error = parse_amount(row.amount_text, row.balance)
            if amount is None:
                errors[row.field] = row.error
            else:
                row.amount_text = str(amount)
                total += amount
        rows.append(row)
    if not any(row.selected for row in rows):
        errors["invoices"] = "Select at least one invoice to pay."
    elif limits and not errors and total_problem(total, limits):
        errors["total"] = total_problem(total, limits)
    return Selection(rows, total, errors)


def from_allocations(allocations):
    """The chosen allocations kept in the session -> (total, [(invoice, Decimal amount)])."""
    pairs = [(item["invoice"], Decimal(item["amount"])) for item in allocations]
    return sum((amount for _, amount in pairs), ZERO), pairs
