"""The database session as the payment use cases' unit of work."""

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm.exc import StaleDataError

from . import idempotency, outbox, profiles
from .extensions import db
from .models import Payment
from .processor import SavedCard

log = logging.getLogger(__name__)
Result = TypeVar("Result")


def keeps_committed_state(use_case: Callable[..., Result]) -> Callable[..., Result]:
    """The use case's session keeps what it committed instead of reading every row back on the next attribute
    read (a quarter of a payment's CPU went to those reloads). Its rows are its own while it runs: another
    process's change to a payment still fails the commit through the row's version, and a rollback still
    expires everything. The session's own setting is put back after, for whatever else it serves."""

    @functools.wraps(use_case)
    def wrapper(*args: Any, **kwargs: Any) -> Result:
        session = db.session()
        before, session.expire_on_commit = session.expire_on_commit, False
        try:
            return use_case(*args, **kwargs)
        finally:
            session.expire_on_commit = before

    return wrapper


class SqlUnitOfWork:
    def get_payment(self, payment_id: str) -> Payment | None:
        return db.session.get(Payment, payment_id)

    def add_event(self, event_type: str, account: str, to: str | None, data: dict[str, Any]) -> None:
        outbox.add_event(event_type, account, to, data)

    def add_profile(self, account: str, card: SavedCard) -> None:
        profiles.stage_profile(account, card, card.token)

    def processor_customer(self, account: str) -> str | None:
        return profiles.processor_customer(account)

    def close_abandoned_requests(self, payment_id: str) -> None:
        idempotency.close_abandoned(payment_id)

    def release_connection(self) -> None:
        """End the transaction that reading the payment after a commit began (nothing is pending then), so no
        database connection is held while another system answers: a charge waits 300-800 ms for the processor,
        and held connections would cap the payments in flight at the pool's size."""
        db.session.commit()

    def commit(self) -> bool:
        """A payment's status is its row's version (see models.Payment): a stale one fails the whole commit."""
        try:
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            log.info("a payment was moved on by another process first; its outcome stands")
            return False
        return True
