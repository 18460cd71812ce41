"""payment_service's tables. No column ever holds a card number or card code.

`Payment` is also the aggregate of the payment flow: each outcome (refused, declined, charged, applied, ...)
has a method that decides the next status, and payment_status refuses any move its table does not allow.
"""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy.orm import Mapped, relationship, validates
from sqlalchemy.types import String, TypeDecorator

from billpay_common.clock import utcnow

from .extensions import db
from .payment_status import PaymentStatus, checked_move

MONEY = db.Numeric(12, 2)
# failure_code of a payment refused while invoice_service was away and may still hold its reservation
RELEASE_PENDING = "release_pending"
NOT_APPLIED = (
    "Your payment could not be applied to the invoices, so it was refunded. Please check your balance and pay again."
)
# What the subscriber is told of any decline: a card tester learns nothing (not even that the card code was wrong).
DECLINED = "Your card was declined. Use another card or call your bank."
NOT_CHARGED = "The card processor did not take this payment, so nothing was charged. Please pay again."


def new_id():
    return uuid.uuid4().hex


class StatusColumn(TypeDecorator[PaymentStatus]):
    """Stored as the status's string, as always (no migration); read back as a PaymentStatus."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else PaymentStatus(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else PaymentStatus(value)


class Payment(db.Model):
    """See payment_status for the statuses and their moves.

    The status doubles as the row's version: every UPDATE of a payment says `WHERE status = <as read>`, so
    when another process (the reconciler, a second request) moved the payment on first, the commit fails
    instead of overwriting its outcome (see unit_of_work.SqlUnitOfWork.commit)."""

    __tablename__ = "payments"
    id = db.Column(db.String(32), primary_key=True, default=new_id)
    account = db.Column(db.String(20), nullable=False, index=True)
    account_name = db.Column(db.String(120), nullable=False, default="")
    status: Mapped[PaymentStatus] = db.Column(StatusColumn(20), nullable=False, index=True)
    amount = db.Column(MONEY, nullable=False)
    kind = db.Column(db.String(16), nullable=False, default="card", server_default="card")  # or us_bank_account
    brand = db.Column(db.String(64), nullable=False)
    last4 = db.Column(db.String(4), nullable=False)
    exp_month = db.Column(db.Integer, nullable=True)
    exp_year = db.Column(db.Integer, nullable=True)
    profile_id = db.Column(db.String(32), nullable=True)
    receipt_email = db.Column(db.String(254), nullable=True)
    failure_code = db.Column(db.String(40), nullable=True)
    failure_message = db.Column(db.String(255), nullable=True)
    processor_reference = db.Column(db.String(64), nullable=True)
    refunded_amount = db.Column(MONEY, nullable=False, default=Decimal("0.00"), server_default="0")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    paid_at = db.Column(db.DateTime, nullable=True)
    allocations: Mapped[list["Allocation"]] = relationship(
        "Allocation", order_by="Allocation.position", cascade="all, delete-orphan", lazy="selectin"
    )
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": status, "version_id_generator": False}

    @validates("status")
    def _only_allowed_moves(self, _key, new):
        return checked_move(self.status, new)

    @property
    def is_open(self) -> bool:
        """Its outcome is still to be settled."""
        return self.status in (PaymentStatus.PROCESSING, PaymentStatus.PENDING)

    def refuse(self, code: str, message: str, release_pending: bool = False) -> None:
        """Refused before any charge (invoice_service said no or could not be reached): nothing charged."""
        self.status = PaymentStatus.FAILED
        self.failure_code, self.failure_message = (RELEASE_PENDING if release_pending else code), message[:255]

    def decline(self, code: str, message: str) -> None:
        self.status = PaymentStatus.DECLINED
        self.failure_code, self.failure_message = code, message[:255]

    def charged(self, reference: str) -> None:
        """The processor took the money; it still has to be applied to the invoices."""
        self.processor_reference = reference

    def wait_for_reconciler(self) -> None:
        """The charge or its confirmation is unknown for now: pending, for the reconciler to finish."""
        if self.status is not PaymentStatus.PENDING:
            self.status = PaymentStatus.PENDING

    def succeed(self, paid_at: datetime) -> None:
        """Charged and applied to the invoices."""
        self.status, self.paid_at = PaymentStatus.SUCCEEDED, paid_at

    def refunded_unapplied(self) -> None:
        """Charged, but invoice_service refused to apply it, so the charge was refunded."""
        self.status = PaymentStatus.FAILED
        self.failure_code, self.failure_message = "payment_not_applied", NOT_APPLIED

    def never_charged(self) -> None:
        """The processor has no charge for it (a timeout before charging, a crash before the sale)."""
        self.status = PaymentStatus.FAILED
        self.failure_code, self.failure_message = "not_charged", NOT_CHARGED

    def reservation_released(self) -> None:
        """A refused payment's reservation, left at invoice_service while it was away, is given back."""
        self.failure_code = "try_again_shortly"

    def refunded_in_part(self, refunded: Decimal) -> None:
        """Part of the charge went back at the processor (`refunded` so far); the payment stands for the rest."""
        self.refunded_amount = refunded

    def reverse(self, status: PaymentStatus) -> None:
        """Refunded or voided by the accounting office (or at the processor, told by its webhook)."""
        self.status = status

    def disputed(self) -> None:
        """The card holder disputed the charge with their bank: the office answers it at the processor."""
        self.status = PaymentStatus.DISPUTED

    def dispute_won(self) -> None:
        """The card holder's bank sided with us (or an inquiry closed): the charge stands."""
        self.status = PaymentStatus.SUCCEEDED

    def charged_back(self) -> None:
        """The dispute was lost: the money went back to the card holder for good."""
        self.status = PaymentStatus.CHARGED_BACK


class Allocation(db.Model):
    __tablename__ = "payment_allocations"
    payment_id = db.Column(db.String(32), db.ForeignKey("payments.id"), primary_key=True)
    invoice = db.Column(db.String(20), primary_key=True)
    position = db.Column(db.Integer, nullable=False)
    amount = db.Column(MONEY, nullable=False)


class IdempotencyRecord(db.Model):
    """One per (account, Idempotency-Key); inserted first, so a unique key admits exactly one charge."""

    __tablename__ = "idempotency_records"
    account = db.Column(db.String(20), primary_key=True)
    key = db.Column(db.String(255), primary_key=True)
    fingerprint = db.Column(db.String(64), nullable=False)
    state = db.Column(db.String(12), nullable=False, default="in_progress")
    payment_id = db.Column(db.String(32), nullable=True)
    response_status = db.Column(db.Integer, nullable=True)
    error_code = db.Column(db.String(40), nullable=True)
    error_message = db.Column(db.String(255), nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    expires_at = db.Column(db.DateTime, nullable=False, index=True)


class PaymentProfile(db.Model):
    """A saved card or bank account: the processor's token plus what a person needs to recognise it (a bank
    account: its bank's name when known, checking or savings, the last 4; never its number; no expiry)."""

    __tablename__ = "payment_profiles"
    id = db.Column(db.String(32), primary_key=True, default=new_id)
    account = db.Column(db.String(20), nullable=False, index=True)
    token = db.Column(db.String(255), nullable=False)
    kind = db.Column(db.String(16), nullable=False, default="card", server_default="card")
    brand = db.Column(db.String(64), nullable=False)
    last4 = db.Column(db.String(4), nullable=False)
    exp_month = db.Column(db.Integer, nullable=True)
    exp_year = db.Column(db.Integer, nullable=True)
    bank_name = db.Column(db.String(80), nullable=True)
    account_type = db.Column(db.String(10), nullable=True)
    is_default = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class ExpiryReminder(db.Model):
    """One `profile.expiring` e-mail per saved card and month."""

    __tablename__ = "expiry_reminders"
    profile_id = db.Column(db.String(32), primary_key=True)
    month = db.Column(db.String(7), primary_key=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class OutboxEvent(db.Model):
    """An e-mail job written in the same transaction as the change it announces; the relay queues it."""

    __tablename__ = "outbox"
    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.String(32), nullable=False, unique=True, default=new_id)
    type = db.Column(db.String(40), nullable=False)
    account = db.Column(db.String(20), nullable=False)
    to = db.Column(db.String(254), nullable=True)
    data = db.Column(db.JSON, nullable=False)
    request_id = db.Column(db.String(64), nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    sent_at = db.Column(db.DateTime, nullable=True, index=True)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    last_error = db.Column(db.String(255), nullable=True)


class StripeIntent(db.Model):
    """Which Stripe PaymentIntent charges which payment, so a charge whose answer was lost is looked up."""

    __tablename__ = "stripe_intents"
    reference = db.Column(db.String(64), primary_key=True)
    intent_id = db.Column(db.String(255), nullable=False, unique=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class ProcessedWebhookEvent(db.Model):
    """One row per processor event applied, keyed by the processor's event id: a redelivery changes nothing."""

    __tablename__ = "processed_webhook_events"
    event_id = db.Column(db.String(255), primary_key=True)
    type = db.Column(db.String(60), nullable=False)
    payment_id = db.Column(db.String(32), nullable=True, index=True)
    outcome = db.Column(db.String(40), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class CardTestingAudit(db.Model):
    """Each payment attempt refused over a decline limit, and each block the office lifted: who, what, when."""

    __tablename__ = "card_testing_audit"
    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    actor = db.Column(db.String(80), nullable=False)
    action = db.Column(db.String(40), nullable=False)
    account = db.Column(db.String(20), nullable=False, default="", index=True)
    kind = db.Column(db.String(10), nullable=False)
    subject = db.Column(db.String(128), nullable=False, index=True)
    detail = db.Column(db.String(255), nullable=False, default="")


class PaymentReversal(db.Model):
    """Every refund and void the office asks for: who, what, how much, when, and for a refund above the approval
    threshold the second supervisor who approved (or rejected) it before it went to the processor."""

    __tablename__ = "payment_reversals"
    id = db.Column(db.String(32), primary_key=True, default=new_id)
    payment_id = db.Column(db.String(32), nullable=False, index=True)
    kind = db.Column(db.String(10), nullable=False)  # refund, void
    amount = db.Column(MONEY, nullable=False)
    status = db.Column(db.String(20), nullable=False, index=True)  # awaiting_approval, done, rejected
    requested_by = db.Column(db.String(80), nullable=False)
    requested_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    decided_by = db.Column(db.String(80), nullable=True)
    decided_at = db.Column(db.DateTime, nullable=True)


AUTOPAY_ON, AUTOPAY_OFF, AUTOPAY_SUSPENDED = "on", "off", "suspended"


class AutoPayEnrolment(db.Model):
    """An account's AutoPay: on, off or suspended (after the last failed retry), and the method it charges.

    `method_type` is "card" (a saved profile) for now; a bank account will be a method of its own type."""

    __tablename__ = "autopay_enrolments"
    account = db.Column(db.String(20), primary_key=True)
    status = db.Column(db.String(12), nullable=False, index=True)
    method_type = db.Column(db.String(12), nullable=False, default="card")
    profile_id = db.Column(db.String(32), nullable=True)
    terms_version = db.Column(db.String(20), nullable=False)
    status_reason = db.Column(db.String(255), nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class AutoPayConsent(db.Model):
    """Every enrolment, change, turn-off and suspension, as given: who, which method, which text, when, from where."""

    __tablename__ = "autopay_consents"
    id = db.Column(db.Integer, primary_key=True)
    account = db.Column(db.String(20), nullable=False, index=True)
    action = db.Column(db.String(12), nullable=False)
    method_type = db.Column(db.String(12), nullable=False, default="card")
    profile_id = db.Column(db.String(32), nullable=True)
    brand = db.Column(db.String(64), nullable=True)
    last4 = db.Column(db.String(4), nullable=True)
    terms_version = db.Column(db.String(20), nullable=True)
    client_address = db.Column(db.String(45), nullable=True)
    staff_actor = db.Column(db.String(80), nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class AutoPayAttempt(db.Model):
    """One AutoPay charge attempt of an invoice's due date. The primary key is the idempotency key (account,
    invoice, due date, attempt): inserted with its payment in one commit, so one attempt charges at most once
    whatever runs twice or dies mid-way."""

    __tablename__ = "autopay_attempts"
    account = db.Column(db.String(20), primary_key=True)
    invoice = db.Column(db.String(20), primary_key=True)
    due_date = db.Column(db.Date, primary_key=True)
    attempt = db.Column(db.Integer, primary_key=True)
    payment_id = db.Column(db.String(32), nullable=False, unique=True)
    run_date = db.Column(db.Date, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)


class AutoPayNotice(db.Model):
    """One advance notice per invoice and due date (the amount differs from the last AutoPay charge)."""

    __tablename__ = "autopay_notices"
    account = db.Column(db.String(20), primary_key=True)
    invoice = db.Column(db.String(20), primary_key=True)
    due_date = db.Column(db.Date, primary_key=True)
    amount = db.Column(MONEY, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class AchAuthorization(db.Model):
    """A NACHA debit authorization as the subscriber accepted it: which text (its version, see ach_terms), when,
    from where, which bank account (label and last 4) and for what (a one-time payment or AutoPay). Kept until
    two years after the last debit made under it (`keep_until`), for the office to retrieve."""

    __tablename__ = "ach_authorizations"
    id = db.Column(db.Integer, primary_key=True)
    account = db.Column(db.String(20), nullable=False, index=True)
    method = db.Column(db.String(12), nullable=False)  # one_time or autopay
    text_version = db.Column(db.String(20), nullable=False)
    bank_account = db.Column(db.String(60), nullable=False)
    amount = db.Column(MONEY, nullable=True)  # a one-time debit's; AutoPay's is each invoice's balance
    payment_id = db.Column(db.String(32), nullable=True)
    profile_id = db.Column(db.String(32), nullable=True)
    client_address = db.Column(db.String(45), nullable=True)
    staff_actor = db.Column(db.String(80), nullable=True)
    accepted_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_debit_at = db.Column(db.DateTime, nullable=True)
    keep_until = db.Column(db.Date, nullable=False, index=True)
