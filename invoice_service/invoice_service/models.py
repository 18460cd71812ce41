from billpay_common.clock import utcnow

from .extensions import db

MONEY = db.Numeric(12, 2)
OPEN, PAID, VOID = "open", "paid", "void"
RESERVED, CONFIRMED, RELEASED, REVERSED = "reserved", "confirmed", "released", "reversed"


class BillingAccount(db.Model):
    """The profile on the Billing page; system_number is the account number subscribers log in with."""

    __tablename__ = "billing_accounts"
    system_number = db.Column(db.String(20), primary_key=True)
    name = db.Column(db.String(120), nullable=False)
    line1 = db.Column(db.String(120), nullable=False, default="")
    line2 = db.Column(db.String(120), nullable=False, default="")
    city = db.Column(db.String(80), nullable=False, default="")
    state = db.Column(db.String(20), nullable=False, default="")
    zip = db.Column(db.String(12), nullable=False, default="")
    account_type = db.Column(db.String(40), nullable=False, default="Residential")
    status = db.Column(db.String(20), nullable=False, default="Active")
    comm_type = db.Column(db.String(20), nullable=False, default="Digital")
    online_date = db.Column(db.Date, nullable=True)
    phone = db.Column(db.String(40), nullable=False, default="")
    email = db.Column(db.String(254), nullable=False, default="")
    paperless = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    paperless_set_by = db.Column(db.String(80), nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class Invoice(db.Model):
    """balance = amount - paid_total + adjustment_total, kept so by the service (0 once void)."""

    __tablename__ = "invoices"
    number = db.Column(db.String(20), primary_key=True)
    account = db.Column(db.String(20), db.ForeignKey("billing_accounts.system_number"), nullable=False)
    date = db.Column(db.Date, nullable=False)
    due_date = db.Column(db.Date, nullable=False)
    amount = db.Column(MONEY, nullable=False)
    paid_total = db.Column(MONEY, nullable=False, default=0)
    adjustment_total = db.Column(MONEY, nullable=False, default=0)
    balance = db.Column(MONEY, nullable=False)
    status = db.Column(db.String(10), nullable=False, default=OPEN)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        # One account's invoices in a date range, newest first, one page: an index-only range scan.
        db.Index("ix_invoices_account_date_number", "account", "date", "number"),
    )


class Charge(db.Model):
    __tablename__ = "charges"
    id = db.Column(db.BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True)
    invoice = db.Column(db.String(20), db.ForeignKey("invoices.number", ondelete="CASCADE"), nullable=False, index=True)
    description = db.Column(db.String(200), nullable=False)
    period_start = db.Column(db.Date, nullable=True)
    period_end = db.Column(db.Date, nullable=True)
    quantity = db.Column(db.Integer, nullable=False, default=1)
    unit_price = db.Column(MONEY, nullable=False)
    amount = db.Column(MONEY, nullable=False)
    tax = db.Column(MONEY, nullable=False, default=0)


class Adjustment(db.Model):
    """A signed change to an invoice's balance made by the accounting office, with its reason."""

    __tablename__ = "adjustments"
    id = db.Column(db.Integer, primary_key=True)
    invoice = db.Column(db.String(20), db.ForeignKey("invoices.number"), nullable=False, index=True)
    amount = db.Column(MONEY, nullable=False)
    reason = db.Column(db.String(255), nullable=False)
    actor = db.Column(db.String(80), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class AppliedPayment(db.Model):
    __tablename__ = "applied_payments"
    id = db.Column(db.Integer, primary_key=True)
    payment_id = db.Column(db.String(64), nullable=False)
    invoice = db.Column(db.String(20), db.ForeignKey("invoices.number"), nullable=False, index=True)
    account = db.Column(db.String(20), nullable=False)
    amount = db.Column(MONEY, nullable=False)
    paid_at = db.Column(db.DateTime, nullable=False)
    brand = db.Column(db.String(64), nullable=False, default="")
    last4 = db.Column(db.String(4), nullable=False, default="")
    refunded = db.Column(MONEY, nullable=False, default=0, server_default="0")  # partial refunds, so far
    reversed_at = db.Column(db.DateTime, nullable=True)

    __table_args__ = (
        db.UniqueConstraint("payment_id", "invoice", name="uq_applied_payment_invoice"),
        db.Index("ix_applied_payments_account_paid_at", "account", "paid_at"),
    )


class Reservation(db.Model):
    __tablename__ = "reservations"
    payment_id = db.Column(db.String(64), primary_key=True)
    account = db.Column(db.String(20), nullable=False)
    status = db.Column(db.String(10), nullable=False, default=RESERVED)
    expires_at = db.Column(db.DateTime, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    lines = db.relationship("ReservationLine", lazy="selectin", order_by="ReservationLine.id")


class ReservationLine(db.Model):
    __tablename__ = "reservation_lines"
    id = db.Column(db.Integer, primary_key=True)
    payment_id = db.Column(db.String(64), db.ForeignKey("reservations.payment_id"), nullable=False, index=True)
    invoice = db.Column(db.String(20), db.ForeignKey("invoices.number"), nullable=False, index=True)
    amount = db.Column(MONEY, nullable=False)


class PaperlessDelivery(db.Model):
    """One e-mail of a new invoice (with its PDF) to a paperless account: written with the invoice, sent after."""

    __tablename__ = "paperless_deliveries"
    invoice = db.Column(db.String(20), db.ForeignKey("invoices.number"), primary_key=True)
    account = db.Column(db.String(20), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    queued_at = db.Column(db.DateTime, nullable=True, index=True)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    last_error = db.Column(db.String(255), nullable=True)
