"""Turning a card entered in the sandbox's fields into a one-time token: the card rules, the outcome its
number stands for, and a fingerprint (HMAC of the number with the sandbox's own secret). The number and the
card code end here: only the token, brand, last 4, expiry, fingerprint and outcome are stored."""

import hashlib
import hmac
import secrets

from flask import current_app

from billpay_common.errors import DomainError, NotFound

from . import cards
from .ledger import PaymentMethod, db
from .outcomes import outcome_of

PREFIX = "pm_sbx_"


class CardError(DomainError):
    status, code = 402, "card_error"


def fingerprint(number):
    key = current_app.config["SANDBOX_FINGERPRINT_SECRET"].encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()[:16]


def create_payment_method(card):
    try:
        checked = cards.validate_card(card["number"], card["exp_month"], card["exp_year"], card["cvc"])
    except cards.CardInvalid as invalid:
        raise CardError(next(iter(invalid.fields.values())), code="invalid_card", fields=invalid.fields) from None
    method = PaymentMethod(
        id=PREFIX + secrets.token_hex(12),
        outcome=outcome_of(checked.number),
        brand=checked.brand,
        last4=checked.last4,
        exp_month=checked.exp_month,
        exp_year=checked.exp_year,
        fingerprint=fingerprint(checked.number),
    )
    db.session.add(method)
    db.session.commit()
    return method


def payment_method(method_id):
    method = db.session.get(PaymentMethod, method_id)
    if method is None:
        raise NotFound(f"No such payment method: {method_id}", code="resource_missing")
    return method


def attach(method_id):
    method = payment_method(method_id)
    method.attached = True
    db.session.commit()
    return method
