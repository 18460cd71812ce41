"""What a card processor adapter offers payment_service. A real gateway is one class with these methods.

Every charge carries a `reference` (the payment id) that the processor keeps, so a sale whose answer was
lost (timeout) can be looked up later instead of charged again. Adapters should pass the reference to the
gateway as its idempotency key where the gateway has one.
"""

import dataclasses
from decimal import Decimal
from typing import Any

from ..cards import Card


class ProcessorTimeout(Exception):
    """No answer in time: the charge may or may not have happened; look it up by reference later."""


class ProcessorError(Exception):
    """The processor refused the request itself (not a decline), e.g. refund of an unknown charge."""


@dataclasses.dataclass(frozen=True)
class PaymentSource:
    """Either a card (in memory for this call only) or a saved profile's processor token."""

    card: Card | None = None
    token: str | None = None


@dataclasses.dataclass(frozen=True)
class ChargeResult:
    approved: bool
    reference: str
    code: str = "approved"  # when declined: card_declined, insufficient_funds or incorrect_cvc
    message: str = ""


@dataclasses.dataclass(frozen=True)
class ChargeStatus:
    """What the processor knows of a reference: charged, authorized, refunded, partially_refunded, voided,
    declined, pending (still settling at the processor: ask again later) or not_found."""

    status: str
    amount: Decimal | None = None
    refunded: Decimal | None = None


class Processor:
    """Interface of a card processor adapter. `timeout` is PROCESSOR_TIMEOUT_SECONDS."""

    def __init__(self, timeout: float = 20.0, **options: Any) -> None:
        self.timeout = timeout

    def sale(self, reference: str, amount: Decimal, source: PaymentSource) -> ChargeResult:
        raise NotImplementedError

    def authorize(self, reference: str, amount: Decimal, source: PaymentSource) -> ChargeResult:
        raise NotImplementedError

    def capture(self, reference: str, amount: Decimal | None = None) -> ChargeResult:
        raise NotImplementedError

    def refund(self, reference: str, amount: Decimal) -> ChargeStatus:
        """Give the money back; refunding an already refunded reference answers its status again."""
        raise NotImplementedError

    def void(self, reference: str) -> ChargeStatus:
        raise NotImplementedError

    def tokenize(self, card: Card) -> str:
        """A token the processor can charge later in place of the card."""
        raise NotImplementedError

    def lookup(self, reference: str) -> ChargeStatus:
        raise NotImplementedError

    def forget(self, token: str) -> None:
        """A saved card was deleted: the processor may drop it too (nothing to do for most)."""
