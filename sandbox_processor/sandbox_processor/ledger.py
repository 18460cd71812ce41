"""The sandbox's own storage: the card tokens it issued (never a number or a card code) and the charges made
with them, so any process can look a charge up by its reference. Created at start (a test tool: no migrations)."""

import datetime

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
MONEY = db.Numeric(12, 2)


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


class PaymentMethod(db.Model):
    """A one-time token for a card entered in the sandbox's fields; attached, it can be charged again."""

    __tablename__ = "payment_methods"
    id = db.Column(db.String(40), primary_key=True)
    outcome = db.Column(db.String(24), nullable=False)
    brand = db.Column(db.String(30), nullable=False)
    last4 = db.Column(db.String(4), nullable=False)
    exp_month = db.Column(db.Integer, nullable=False)
    exp_year = db.Column(db.Integer, nullable=False)
    fingerprint = db.Column(db.String(32), nullable=False)
    attached = db.Column(db.Boolean, nullable=False, default=False)
    used = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(db.DateTime, nullable=False, default=_now)


class Charge(db.Model):
    __tablename__ = "charges"
    reference = db.Column(db.String(64), primary_key=True)
    payment_method = db.Column(db.String(40), nullable=False)
    amount = db.Column(MONEY, nullable=False)
    status = db.Column(db.String(20), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=_now)
    updated_at = db.Column(db.DateTime, nullable=False, default=_now, onupdate=_now)


class BankAccountMethod(db.Model):
    """A token for a US bank account entered in the sandbox's fields: the account number itself is never kept,
    only its last 4 and the outcome the sandbox's test numbers stand for (see outcomes.ACH_DOC)."""

    __tablename__ = "bank_account_methods"
    id = db.Column(db.String(40), primary_key=True)
    outcome = db.Column(db.String(24), nullable=False)
    bank_name = db.Column(db.String(80))
    account_type = db.Column(db.String(10), nullable=False)
    last4 = db.Column(db.String(4), nullable=False)
    routing_number = db.Column(db.String(9), nullable=False)
    fingerprint = db.Column(db.String(32), nullable=False)
    attached = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(db.DateTime, nullable=False, default=_now)


class AchDebit(db.Model):
    """An ACH debit: processing until `settles_on`, then succeeded or returned with its R code."""

    __tablename__ = "ach_debits"
    reference = db.Column(db.String(64), primary_key=True)
    payment_method = db.Column(db.String(40), nullable=False)
    amount = db.Column(MONEY, nullable=False)
    started_on = db.Column(db.Date, nullable=False)
    settles_on = db.Column(db.Date, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=_now)


class SandboxClock(db.Model):
    """The sandbox's date, moved by tests (like a processor's test clock); no row means the real date."""

    __tablename__ = "sandbox_clock"
    id = db.Column(db.Integer, primary_key=True)
    today = db.Column(db.Date, nullable=False)


class Customer(db.Model):
    """A customer, as a processor keeps one per payer: only an id and the caller's metadata."""

    __tablename__ = "customers"
    id = db.Column(db.String(40), primary_key=True)
    metadata_ = db.Column("metadata", db.JSON, nullable=False, default=dict)
    created_at = db.Column(db.DateTime, nullable=False, default=_now)


class SetupIntent(db.Model):
    """Stripe's SetupIntent for a us_bank_account: requires_payment_method until the browser collects an account
    (requires_confirmation), then succeeded once confirmed, with the mandate the subscriber accepted (the address
    and browser of the confirming request)."""

    __tablename__ = "setup_intents"
    id = db.Column(db.String(40), primary_key=True)
    client_secret = db.Column(db.String(80), nullable=False)
    customer = db.Column(db.String(40), nullable=True)
    status = db.Column(db.String(30), nullable=False, default="requires_payment_method")
    usage = db.Column(db.String(12), nullable=False, default="off_session")
    payment_method = db.Column(db.String(40), nullable=True)
    metadata_ = db.Column("metadata", db.JSON, nullable=False, default=dict)
    payment_method_options = db.Column(db.JSON, nullable=False, default=dict)
    mandate = db.Column(db.String(40), nullable=True)
    mandate_ip = db.Column(db.String(45), nullable=True)
    mandate_user_agent = db.Column(db.String(300), nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=_now)


class MicrodepositVerification(db.Model):
    """A SetupIntent whose bank account was verified by its microdeposits, on the sandbox's date: the
    setup_intent.succeeded event it makes."""

    __tablename__ = "microdeposit_verifications"
    setup_intent = db.Column(db.String(40), primary_key=True)
    verified_on = db.Column(db.Date, nullable=False)
