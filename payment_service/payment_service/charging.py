"""The payment flow of a recorded payment: reserve at invoice_service, charge, then confirm or release.

The payment (processing) and its Idempotency-Key are committed before this runs, that is before any call to
another system, and the processor's reference is the payment id: so whatever happens next (a crash, a
timeout) the payment is on record and the reconciler can finish it by looking the reference up. Each outcome
is committed as soon as it is known. Payment (the aggregate) decides each next status; this module only
orders the calls. Every collaborator is passed in (see ports), so unit tests run it with fakes.
"""

import logging
from typing import NoReturn

from billpay_common.errors import DomainError, Unavailable

from .clients import ServiceUnavailable
from .models import DECLINED, Payment
from .ports import InvoiceReservations, RequestAnswers, UnitOfWork
from .processor import ChargeResult, PaymentSource, Processor, ProcessorTimeout, SavedCard
from .settlement import release_quietly, settle_charged

log = logging.getLogger(__name__)
NO_CHARGE = "We cannot take payments right now and nothing was charged. Please try again shortly."


def charge(
    payment: Payment,
    source: PaymentSource,
    *,
    save_card: bool,
    request: RequestAnswers,
    invoices: InvoiceReservations,
    processor: Processor,
    uow: UnitOfWork,
) -> Payment:
    """The payment, succeeded or pending; or the DomainError it was refused with (402, 409, 503, ...). A retry
    with the same key gets the same answer, except after a 503 (nothing charged), which frees the key."""
    _reserve(payment, request, invoices, uow)
    saved = _save_card(payment, source, processor, uow) if save_card and payment.profile_id is None else None
    if saved is not None:
        source = PaymentSource(token=saved.token, kind=saved.kind)
    payment_id, amount = payment.id, payment.amount
    uow.release_connection()
    try:
        result = processor.sale(payment_id, amount, source)
    except ProcessorTimeout:
        log.warning("processor did not answer for payment %s; it is pending", payment_id)
        return _pending(payment, request, uow, saved)
    except Exception:  # an adapter's own failure: the charge may have happened, so never retry blindly
        log.exception("processor failed for payment %s; it is pending", payment_id)
        return _pending(payment, request, uow, saved)
    payment.charged(result.reference)
    if not result.approved:
        _forget_quietly(processor, saved)
        _decline(payment, result, request, invoices, uow)
    request.answer(201)
    if result.settles_later:  # an ACH debit: the amounts stay reserved until its event settles or returns it
        return _pending(payment, request, uow, saved)
    _keep(payment, uow, saved)
    return settle_charged(payment, invoices=invoices, processor=processor, uow=uow, raise_conflict=True)


def _reserve(payment: Payment, request: RequestAnswers, invoices: InvoiceReservations, uow: UnitOfWork) -> None:
    allocations = [(item.invoice, item.amount) for item in payment.allocations]
    payment_id, account = payment.id, payment.account
    uow.release_connection()
    try:
        invoices.reserve(payment_id, account, allocations)
    except ServiceUnavailable as down:
        log.warning("invoice_service unreachable, payment %s not charged: %s", payment.id, down)
        # The reservation may have been saved before the reply was lost: give it back now, or the worker will.
        released = release_quietly(invoices, payment.id)
        _refuse(payment, request, uow, Unavailable(NO_CHARGE, code="try_again_shortly"), release_pending=not released)
    except DomainError as refused:
        _refuse(payment, request, uow, refused)


def _refuse(
    payment: Payment, request: RequestAnswers, uow: UnitOfWork, error: DomainError, release_pending: bool = False
) -> NoReturn:
    payment.refuse(error.code, error.message, release_pending)
    if error.status == 503:
        request.forget()
    else:
        request.answer(error.status, error)
    uow.commit()
    raise error


def _decline(
    payment: Payment, result: ChargeResult, request: RequestAnswers, invoices: InvoiceReservations, uow: UnitOfWork
) -> NoReturn:
    release_quietly(invoices, payment.id)
    payment.decline(result.code, result.message)  # the processor's reason, for the office only
    error = DomainError(DECLINED, code="card_declined", status=402)
    request.answer(402, error)
    uow.commit()
    raise error


def _pending(payment: Payment, request: RequestAnswers, uow: UnitOfWork, saved: SavedCard | None) -> Payment:
    payment.wait_for_reconciler()
    request.answer(201)
    _keep(payment, uow, saved)
    uow.commit()
    return payment


def _save_card(payment: Payment, source: PaymentSource, processor: Processor, uow: UnitOfWork) -> SavedCard | None:
    """Attach a card entered now to the account's processor customer before it is charged: a real processor
    will not attach a payment method that was already used without a customer."""
    try:
        return processor.save_card(payment.account, source.token, uow.processor_customer(payment.account))
    except Exception:  # the payment matters more than saving the card; the subscriber can add it later
        log.exception("could not save the card of payment %s; charging it once", payment.id)
        return None


def _keep(payment: Payment, uow: UnitOfWork, saved: SavedCard | None) -> None:
    if saved is not None:
        uow.add_profile(payment.account, saved)


def _forget_quietly(processor: Processor, saved: SavedCard | None) -> None:
    """A declined card is not kept, as the subscriber asked to save it with a payment that did not happen."""
    if saved is None:
        return
    try:
        processor.forget(saved.token)
    except Exception:  # it stays attached at the processor, unknown to us, and is never charged
        log.exception("could not detach the declined saved card %s", saved.token.rpartition(":")[0])
