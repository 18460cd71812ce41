"""payment_service's tables. No column ever holds a card number or card code."""
import uuid
from datetime import datetime, timezone

from .extensions import db

MONEY = db.Numeric(12, 2)


def utcnow():
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_id():
    return uuid.uuid4().hex


class Payment(db.Model):
    """status: processing -> succeeded | pending | declined | failed; succeeded -> refunded | voided."""

    __tablename__ = "payments"
    id = db.Column(db.String(32), primary_key=True, default=new_id)
    account = db.Column(db.String(20), nullable=False, index=True)
    account_name = db.Column(db.String(120), nullable=False, default="")
    status = db.Column(db.String(20), nullable=False, index=True)
    amount = db.Column(MONEY, nullable=False)
    brand = db.Column(db.String(30), nullable=False)
    last4 = db.Column(db.String(4), nullable=False)
    exp_month = db.Column(db.Integer, nullable=True)
    exp_year = db.Column(db.Integer, nullable=True)
    profile_id = db.Column(db.String(32), nullable=True)
    receipt_email = db.Column(db.String(254), nullable=True)
    failure_code = db.Column(db.String(40), nullable=True)
    failure_message = db.Column(db.String(255), nullable=True)
    processor_reference = db.Column(db.String(64), nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    paid_at = db.Column(db.DateTime, nullable=True)
    allocations = db.relationship("Allocation", order_by="Allocation.position", cascade="all, delete-orphan",
                                  lazy="selectin")


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
    """A saved card: the processor's token plus what a person needs to recognise it."""

    __tablename__ = "payment_profiles"
    id = db.Column(db.String(32), primary_key=True, default=new_id)
    account = db.Column(db.String(20), nullable=False, index=True)
    token = db.Column(db.String(255), nullable=False)
    brand = db.Column(db.String(30), nullable=False)
    last4 = db.Column(db.String(4), nullable=False)
    exp_month = db.Column(db.Integer, nullable=False)
    exp_year = db.Column(db.Integer, nullable=False)
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


class SandboxCharge(db.Model):
    """The sandbox processor's own ledger, so lookups by reference work across processes."""

    __tablename__ = "sandbox_charges"
    reference = db.Column(db.String(64), primary_key=True)
    amount = db.Column(MONEY, nullable=False)
    status = db.Column(db.String(12), nullable=False)
    brand = db.Column(db.String(30), nullable=False)
    last4 = db.Column(db.String(4), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
