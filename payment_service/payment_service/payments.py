"""Paying invoices: validate, record, reserve at invoice_service, charge, then confirm or release.

Each step that talks to another system is preceded by a commit, so that whatever happens next (a crash,
a timeout) the payment is on record and the reconciler can finish it by its reference. Card data lives
only in this call's memory.
"""
import logging

from billpay_common.errors import DomainError, NotFound, Unavailable, Unprocessable

from . import cards, idempotency, outbox, settlement
from .clients import ServiceUnavailable, invoice_client
from .extensions import db, redis_ext
from .models import Allocation, Payment, PaymentProfile, new_id, utcnow
from .processor import PaymentSource, ProcessorTimeout, current_processor

log = logging.getLogger(__name__)
NO_CHARGE = "We cannot take payments right now and nothing was charged. Please try again shortly."


def checked_allocations(allocations):
    if not allocations:
        raise Unprocessable("Choose at least one invoice to pay.", fields={"allocations": "Choose an invoice."})
    seen = set()
    for position, allocation in enumerate(allocations):
        if allocation["invoice"] in seen:
            raise Unprocessable(f"Invoice {allocation['invoice']} is in this payment twice.",
                                fields={f"allocations.{position}.invoice": "This invoice is already listed."})
        seen.add(allocation["invoice"])
    return [(allocation["invoice"], allocation["amount"]) for allocation in allocations]


def _card_source(card):
    try:
        checked = cards.validate_card(card.get("number"), card.get("exp_month"), card.get("exp_year"),
                                      card.get("cvc"))
    except cards.CardInvalid as invalid:
        first = next(iter(invalid.fields.values()))
        raise Unprocessable(first, fields=invalid.fields) from None
    return PaymentSource(card=checked), checked.brand, checked.last4, checked.exp_month, checked.exp_year


def profile_of(account, profile_id):
    profile = db.session.get(PaymentProfile, profile_id)
    if profile is None or profile.account != account:
        raise NotFound("That saved card was not found.")
    return profile


def _source(account, card, profile_id):
    if card and profile_id:
        raise Unprocessable("Pay with a card or with a saved card, not both.", fields={"profile_id": "Remove one."})
    if card:
        return _card_source(card) + (None,)
    if not profile_id:
        raise Unprocessable("Enter a card or choose a saved card.", fields={"card": "Enter a card."})
    profile = profile_of(account, profile_id)
    if cards.expiry_problem(profile.exp_month, profile.exp_year, utcnow().date()):
        raise Unprocessable("That saved card has expired. Please use another card.", fields={"profile_id": "Expired."})
    return (PaymentSource(token=profile.token), profile.brand, profile.last4, profile.exp_month, profile.exp_year,
            profile.id)


def pay(account, account_name, key, allocations, card=None, profile_id=None, receipt_email=None, save_card=False):
    """The payment (succeeded or pending), or a DomainError: 402 declined, 409, 422, 503."""
    pairs = checked_allocations(allocations)
    source, brand, last4, exp_month, exp_year, profile_id = _source(account, card, profile_id)
    request_fingerprint = idempotency.fingerprint({
        "allocations": pairs, "brand": brand, "last4": last4, "exp": [exp_month, exp_year],
        "profile_id": profile_id, "receipt_email": receipt_email, "save_card": bool(save_card)})
    payment = Payment(id=new_id(), account=account, account_name=(account_name or "")[:120], status="processing",
                      amount=sum(amount for _, amount in pairs), brand=brand, last4=last4, exp_month=exp_month,
                      exp_year=exp_year, profile_id=profile_id, receipt_email=receipt_email,
                      allocations=[Allocation(invoice=invoice, amount=amount, position=position)
                                   for position, (invoice, amount) in enumerate(pairs)])
    first = idempotency.begin(account, key, request_fingerprint, payment)
    if first is not None:
        idempotency.replay_error(first)
        return db.session.get(Payment, first.payment_id)
    payment = _process(payment, key, source, pairs, save_card and source.card is not None)
    if payment.status == "succeeded":
        outbox.relay_now(redis_ext.client, redis_ext.prefix, invoice_client())
    return payment


def _refuse(payment, key, error, release_pending=False):
    payment.status, payment.failure_message = "failed", error.message[:255]
    payment.failure_code = settlement.RELEASE_PENDING if release_pending else error.code
    if error.status == 503:
        idempotency.forget(payment.account, key)
    else:
        idempotency.finish(payment.account, key, error.status, error)
    db.session.commit()
    raise error


def _process(payment, key, source, pairs, save_card):
    client = invoice_client()
    try:
        client.reserve(payment.id, payment.account, pairs)
    except ServiceUnavailable as down:
        log.warning("invoice_service unreachable, payment %s not charged: %s", payment.id, down)
        # The reservation may have been saved before the reply was lost: give it back now, or the worker will.
        released = settlement.release_quietly(client, payment.id)
        _refuse(payment, key, Unavailable(NO_CHARGE, code="try_again_shortly"), release_pending=not released)
    except DomainError as refused:
        _refuse(payment, key, refused)
    try:
        result = current_processor().sale(payment.id, payment.amount, source)
    except ProcessorTimeout:
        log.warning("processor did not answer for payment %s; it is pending", payment.id)
        return _pending(payment, key)
    except Exception:  # an adapter's own failure: the charge may have happened, so never retry blindly
        log.exception("processor failed for payment %s; it is pending", payment.id)
        return _pending(payment, key)
    payment.processor_reference = result.reference
    if not result.approved:
        settlement.release_quietly(client, payment.id)
        payment.status, payment.failure_code, payment.failure_message = "declined", result.code, result.message
        error = DomainError(result.message, code=result.code, status=402)
        idempotency.finish(payment.account, key, 402, error)
        db.session.commit()
        raise error
    idempotency.finish(payment.account, key, 201)
    if save_card:
        _save_card(payment, source.card)
    settlement.settle_charged(payment, client, raise_conflict=True)
    return payment


def _pending(payment, key):
    payment.status = "pending"
    idempotency.finish(payment.account, key, 201)
    db.session.commit()
    return payment


def _save_card(payment, card):
    from . import profiles

    try:
        profiles.stage_profile(payment.account, card, current_processor().tokenize(card))
    except Exception:  # the payment matters more than saving the card; the subscriber can add it later
        log.exception("could not save the card of payment %s", payment.id)


def list_payments(account, page, per_page):
    query = db.session.query(Payment).filter(Payment.account == account)
    total = query.count()
    items = query.order_by(Payment.created_at.desc(), Payment.id).offset((page - 1) * per_page).limit(per_page).all()
    return {"items": items, "page": page, "per_page": per_page, "total": total, "pages": -(-total // per_page)}


def get_payment(account, payment_id):
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.account != account:
        raise NotFound("That payment was not found.")
    return payment
