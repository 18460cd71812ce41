"""The built-in sandbox processor: no network, answers by card number like public test cards.

Every other valid number of an accepted brand approves (4242424242424242, 4111111111111111,
5555555555554444, 378282246310005, ...). These numbers give the other outcomes:

| brand | declined | insufficient funds | card code fails | times out, charged | times out, not charged |
|---|---|---|---|---|---|
| Visa | 4000000000000002 | 4000000000009995 | 4000000000000127 | 4000000000000119 | 4000000000000259 |
| Mastercard | 5100000000000008 | 5100000000009991 | 5100000000000123 | 5100000000000115 | 5100000000000255 |
| American Express | 370000000000002 | 370000000009995 | 370000000000127 | 370000000000119 | 370000000000259 |
| Discover | 6011000000000004 | 6011000000009997 | 6011000000000129 | 6011000000000111 | 6011000000000251 |
| Diners Club | 36000000000008 | 36000000009991 | 36000000000123 | 36000000000115 | 36000000000255 |
| JCB | 3528000000000007 | 3528000000009990 | 3528000000000122 | 3528000000000114 | 3528000000000254 |

A timeout is answered at once (ProcessorTimeout) rather than by waiting. "Charged" means the charge is
recorded before the timeout, so a later lookup finds it; a declined attempt is recorded too, as `declined`.
Charges live in the `sandbox_charges` table of payment_service's own database (own connection, own
transaction), so any process can look them up.
Tokens carry only the outcome, never the number.
"""

import secrets

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from billpay_common.clock import utcnow

from ..extensions import db
from ..models import SandboxCharge
from .base import ChargeResult, ChargeStatus, Processor, ProcessorError, ProcessorTimeout

DECLINED, INSUFFICIENT, BAD_CVC = "card_declined", "insufficient_funds", "incorrect_cvc"
TIMEOUT_CHARGED, TIMEOUT_NOT_CHARGED, APPROVE = "timeout_charged", "timeout_not_charged", "approve"
_OUTCOMES = {
    DECLINED: (
        "4000000000000002",
        "5100000000000008",
        "370000000000002",
        "6011000000000004",
        "36000000000008",
        "3528000000000007",
    ),
    INSUFFICIENT: (
        "4000000000009995",
        "5100000000009991",
        "370000000009995",
        "6011000000009997",
        "36000000009991",
        "3528000000009990",
    ),
    BAD_CVC: (
        "4000000000000127",
        "5100000000000123",
        "370000000000127",
        "6011000000000129",
        "36000000000123",
        "3528000000000122",
    ),
    TIMEOUT_CHARGED: (
        "4000000000000119",
        "5100000000000115",
        "370000000000119",
        "6011000000000111",
        "36000000000115",
        "3528000000000114",
    ),
    TIMEOUT_NOT_CHARGED: (
        "4000000000000259",
        "5100000000000255",
        "370000000000259",
        "6011000000000251",
        "36000000000255",
        "3528000000000254",
    ),
}
_TOKEN_PREFIX = "sbx_tok_"
_BY_NUMBER = {number: outcome for outcome, numbers in _OUTCOMES.items() for number in numbers}
_MESSAGES = {
    DECLINED: "Your card was declined. Please use another card or call your bank.",
    INSUFFICIENT: "Your card was declined for insufficient funds. Please use another card.",
    BAD_CVC: "The card code does not match this card. Please check the 3 or 4 digits and try again.",
}


def outcome_of(source):
    if source.token:
        outcome = source.token.removeprefix(_TOKEN_PREFIX).rpartition("_")[0]
        return outcome if outcome in _OUTCOMES else APPROVE
    return _BY_NUMBER.get(source.card.number, APPROVE)


def _describe(source):
    if source.card is not None:
        return source.card.brand, source.card.last4
    return "token", source.token[-4:]


class SandboxProcessor(Processor):
    def _record(self, reference, amount, source, status):
        brand, last4 = _describe(source)
        try:
            with db.engine.begin() as connection:
                connection.execute(
                    insert(SandboxCharge).values(
                        reference=reference, amount=amount, status=status, brand=brand, last4=last4
                    )
                )
        except IntegrityError:
            pass  # the same reference again: one charge only, like a gateway's idempotency key

    def _charge(self, reference, amount, source, status):
        outcome = outcome_of(source)
        if outcome == TIMEOUT_NOT_CHARGED:
            raise ProcessorTimeout(f"sandbox: no answer for {reference}")
        if outcome in _MESSAGES:
            self._record(reference, amount, source, "declined")  # as a gateway keeps its declined attempts
            return ChargeResult(False, reference, outcome, _MESSAGES[outcome])
        self._record(reference, amount, source, status)
        if outcome == TIMEOUT_CHARGED:
            raise ProcessorTimeout(f"sandbox: answer lost for {reference}")
        return ChargeResult(True, reference)

    def sale(self, reference, amount, source):
        return self._charge(reference, amount, source, "charged")

    def authorize(self, reference, amount, source):
        return self._charge(reference, amount, source, "authorized")

    def capture(self, reference, amount=None):
        self._set_status(reference, "charged", allowed=("authorized", "charged"))
        return ChargeResult(True, reference)

    def refund(self, reference, amount):
        return self._set_status(reference, "refunded", allowed=("charged", "refunded"))

    def void(self, reference):
        return self._set_status(reference, "voided", allowed=("charged", "authorized", "voided"))

    def _set_status(self, reference, status, allowed):
        with db.engine.begin() as connection:
            current = connection.execute(
                select(SandboxCharge.status).where(SandboxCharge.reference == reference)
            ).scalar()
            if current not in allowed:
                raise ProcessorError(f"sandbox: {reference} is {current or 'unknown'}, cannot become {status}")
            connection.execute(
                update(SandboxCharge)
                .where(SandboxCharge.reference == reference)
                .values(status=status, updated_at=utcnow())
            )
        return self.lookup(reference)

    def tokenize(self, card):
        return f"{_TOKEN_PREFIX}{_BY_NUMBER.get(card.number, APPROVE)}_{secrets.token_hex(8)}"

    def lookup(self, reference):
        with db.engine.connect() as connection:
            row = connection.execute(
                select(SandboxCharge.status, SandboxCharge.amount).where(SandboxCharge.reference == reference)
            ).first()
        return ChargeStatus(row.status, row.amount) if row else ChargeStatus("not_found")
