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
