"""What the payment use cases need from outside the domain, as protocols: invoice_service's reservations, the
unit of work, and the answer kept under the request's Idempotency-Key. The real ones are clients.InvoiceClient,
unit_of_work.SqlUnitOfWork and idempotency.RequestKey; unit tests pass fakes."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from billpay_common.errors import DomainError

from .models import Payment
from .processor import SavedCard


class InvoiceReservations(Protocol):
    """invoice_service holds the amounts while the card is charged. Each call raises ServiceUnavailable when
    invoice_service cannot be reached (or its reply is lost), or a DomainError (Conflict, NotFound) it answered."""

    def reserve(self, payment_id: str, account: str, allocations: Sequence[tuple[str, Decimal]]) -> Any: ...

    def confirm(self, payment_id: str, paid_at: datetime, brand: str, last4: str) -> dict[str, Any]:
        """{"payment_id", "status": "confirmed", "account": {"email", "name"}}: the address and name on file."""
        ...

    def release(self, payment_id: str) -> Any: ...


class UnitOfWork(Protocol):
    def get_payment(self, payment_id: str) -> Payment | None: ...

    def add_event(self, event_type: str, account: str, to: str | None, data: dict[str, Any]) -> None:
        """Stage an outbox event (an e-mail) in this transaction."""

    def add_profile(self, account: str, card: SavedCard) -> None:
        """Stage a saved card (its processor token) in this transaction."""

    def processor_customer(self, account: str) -> str | None:
        """The processor's customer id the account's saved cards belong to (Stripe's `cus_...`), if any."""

    def close_abandoned_requests(self, payment_id: str) -> None:
        """A request that died mid-way left its Idempotency-Key in use: retries get the payment from now on."""

    def release_connection(self) -> None:
        """Before a call to another system, with nothing pending: hold no database connection across it."""

    def commit(self) -> bool:
        """True when stored; False when another process moved the payment on first: then nothing staged is
        stored and the payment reads as that process left it."""
        ...


class RequestAnswers(Protocol):
    """The answer a retry with the same Idempotency-Key gets."""

    def answer(self, status: int, error: DomainError | None = None) -> None:
        """Stage the answer; the next commit stores it with the payment."""

    def forget(self) -> None:
        """Nothing was charged: the same key may try again."""
