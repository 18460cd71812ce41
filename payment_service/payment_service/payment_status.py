"""A payment's statuses and the one table of the moves between them. Pure: no I/O.

The values are the strings stored in `payments.status` (and shown in the API), so they must not change.
"""

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from billpay_common.errors import Conflict


class PaymentStatus(StrEnum):
    PROCESSING = "processing"  # recorded; reserving at invoice_service and charging
    PENDING = "pending"  # the charge or its confirmation is not known yet: the reconciler finishes it
    SUCCEEDED = "succeeded"  # charged and applied to the invoices
    DECLINED = "declined"  # the processor declined the card: nothing charged
    FAILED = "failed"  # nothing charged, or charged and refunded because it could not be applied
    REFUNDED = "refunded"
    VOIDED = "voided"
    DISPUTED = "disputed"  # the card holder disputed the charge at their bank; the office answers it
    CHARGED_BACK = "charged_back"  # the dispute was lost: the money went back to the card holder for good


INITIAL: Final = PaymentStatus.PROCESSING

ALLOWED_MOVES: Final[Mapping[PaymentStatus, frozenset[PaymentStatus]]] = MappingProxyType(
    {
        PaymentStatus.PROCESSING: frozenset(
            {PaymentStatus.PENDING, PaymentStatus.SUCCEEDED, PaymentStatus.DECLINED, PaymentStatus.FAILED}
        ),
        PaymentStatus.PENDING: frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.FAILED}),
        PaymentStatus.SUCCEEDED: frozenset({PaymentStatus.REFUNDED, PaymentStatus.VOIDED, PaymentStatus.DISPUTED}),
        PaymentStatus.DECLINED: frozenset(),
        PaymentStatus.FAILED: frozenset(),
        PaymentStatus.REFUNDED: frozenset(),
        PaymentStatus.VOIDED: frozenset(),
        PaymentStatus.DISPUTED: frozenset(
            {PaymentStatus.REFUNDED, PaymentStatus.SUCCEEDED, PaymentStatus.CHARGED_BACK}
        ),
        PaymentStatus.CHARGED_BACK: frozenset(),
    }
)


class IllegalTransition(Conflict):
    """A move the table above does not allow: a bug or a race, never something to store."""

    code = "illegal_status_change"


def can_move(current: str, new: str) -> bool:
    return PaymentStatus(new) in ALLOWED_MOVES[PaymentStatus(current)]


def checked_move(current: str | None, new: str) -> PaymentStatus:
    """`new` as a PaymentStatus when a payment in `current` (None: a new payment) may move there."""
    target = PaymentStatus(new)
    if current is None:
        if target is not INITIAL:
            raise IllegalTransition(f"A payment starts as {INITIAL}, not {target}.")
        return target
    if not can_move(current, target):
        raise IllegalTransition(f"A {current} payment cannot become {target}.")
    return target
