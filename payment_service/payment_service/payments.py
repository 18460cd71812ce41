"""Paying invoices: check the request, record the payment under its Idempotency-Key, then run the payment flow
(charging) with the real invoice_service, processor and database. Cards arrive as processor tokens only."""

import dataclasses
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select

from billpay_common.clock import utcnow
from billpay_common.errors import NotFound, Unavailable, Unprocessable
from billpay_common.pagination import paginate

from . import ach_authorizations, ach_terms, cards, charging, declines, idempotency, outbox, receipt_limits
from .card_testing import card_fingerprint
from .clients import invoice_client
from .extensions import db, redis_ext
from .models import Allocation, Payment, new_id
from .payment_status import INITIAL, PaymentStatus
from .processor import PaymentSource, ProcessorError, ProcessorTimeout, current_processor
from .profiles import profile_of
from .unit_of_work import SqlUnitOfWork, keeps_committed_state


@dataclasses.dataclass(frozen=True)
class ChosenCard:
    """What pays (a card entered now, or a saved card's token) and what the payment records of it."""

    source: PaymentSource
    brand: str
    last4: str
    exp_month: int | None
    exp_year: int | None
    profile_id: str | None = None
    fingerprint: str | None = None  # the processor's, when it has described the token already
    kind: str = "card"  # or us_bank_account


def checked_allocations(allocations: Sequence[dict[str, Any]]) -> list[tuple[str, Decimal]]:
    if not allocations:
        raise Unprocessable("Choose at least one invoice to pay.", fields={"allocations": "Choose an invoice."})
    seen = set()
    for position, allocation in enumerate(allocations):
        if allocation["invoice"] in seen:
            raise Unprocessable(
                f"Invoice {allocation['invoice']} is in this payment twice.",
                fields={f"allocations.{position}.invoice": "This invoice is already listed."},
            )
        seen.add(allocation["invoice"])
    return [(allocation["invoice"], allocation["amount"]) for allocation in allocations]


def checked_total(pairs: list[tuple[str, Decimal]]) -> Decimal:
    """The payment's amount, within PAYMENT_MIN_AMOUNT and PAYMENT_MAX_AMOUNT."""
    total = sum((amount for _, amount in pairs), Decimal("0.00"))
    least, most = current_app.config["PAYMENT_MIN_AMOUNT"], current_app.config["PAYMENT_MAX_AMOUNT"]
    if total < least:
        raise Unprocessable(
            f"The smallest payment we take is ${least:,.2f}; this one is ${total:,.2f}.",
            code="amount_too_small",
            fields={"allocations": f"Pay at least ${least:,.2f}."},
        )
    if total > most:
        raise Unprocessable(
            f"The largest payment we take at once is ${most:,.2f}; this one is ${total:,.2f}. "
            "Please pay in parts, or call us.",
            code="amount_too_large",
            fields={"allocations": f"Pay at most ${most:,.2f} at once."},
        )
    return total


def _entered_card(payment_method: str) -> ChosenCard:
    """The card behind a one-time token from the processor's fields, as the processor describes it."""
    try:
        card = current_processor().describe(payment_method)
    except ProcessorTimeout:
        raise Unavailable(charging.NO_CHARGE, code="try_again_shortly") from None
    except ProcessorError:
        raise Unprocessable(
            "We could not read that card. Please enter it again.", fields={"payment_method": "Unknown card token."}
        ) from None
    if card.kind == "card" and cards.expiry_problem(card.exp_month, card.exp_year, utcnow().date()):
        raise Unprocessable("This card has expired. Please use another card.", fields={"payment_method": "Expired."})
    return ChosenCard(
        PaymentSource(token=payment_method, kind=card.kind),
        card.brand,
        card.last4,
        card.exp_month,
        card.exp_year,
        fingerprint=card.fingerprint,
        kind=card.kind,
    )


def choose_card(account: str, payment_method: str | None, profile_id: str | None) -> ChosenCard:
    if payment_method and profile_id:
        raise Unprocessable("Pay with a card or with a saved card, not both.", fields={"profile_id": "Remove one."})
    if payment_method:
        return _entered_card(payment_method)
    if not profile_id:
        raise Unprocessable(
            "Enter a card or choose a saved card.", fields={"payment_method": "Enter a card in the card fields."}
        )
    profile = profile_of(account, profile_id)
    if profile.kind == "card" and cards.expiry_problem(profile.exp_month, profile.exp_year, utcnow().date()):
        raise Unprocessable("That saved card has expired. Please use another card.", fields={"profile_id": "Expired."})
    return ChosenCard(
        PaymentSource(token=profile.token, kind=profile.kind),
        profile.brand,
        profile.last4,
        profile.exp_month,
        profile.exp_year,
        profile.id,
        kind=profile.kind,
    )


def _fingerprint(
    pairs: list[tuple[str, Decimal]], chosen: ChosenCard, receipt_email: str | None, save_card: bool
) -> str:
    return idempotency.fingerprint(
        {
            "allocations": pairs,
            "brand": chosen.brand,
            "last4": chosen.last4,
            "exp": [chosen.exp_month, chosen.exp_year],
            "profile_id": chosen.profile_id,
            "receipt_email": receipt_email,
            "save_card": bool(save_card),
        }
    )


@keeps_committed_state
def pay(
    account: str,
    account_name: str | None,
    key: str,
    allocations: Sequence[dict[str, Any]],
    payment_method: str | None = None,
    profile_id: str | None = None,
    receipt_email: str | None = None,
    save_card: bool = False,
    ach_authorization: str | None = None,
    client_address: str | None = None,
) -> Payment:
    """The payment (succeeded or pending), or a DomainError: 402 declined, 404, 409, 422, 429 (too many
    declines, or a receipt to another address over the daily e-mail limits: nothing reserved or sent to the
    processor), 503."""
    pairs = checked_allocations(allocations)
    total = checked_total(pairs)
    chosen = choose_card(account, payment_method, profile_id)
    if chosen.kind == "us_bank_account":
        ach_authorizations.checked_version(ach_authorization)
    invoices = invoice_client()
    if receipt_email and not idempotency.known(account, key):
        receipt_limits.count_receipt_elsewhere(account, receipt_email, invoices)
    processor = current_processor()
    payment = Payment(
        id=new_id(),
        account=account,
        account_name=(account_name or "")[:120],
        status=INITIAL,
        amount=total,
        kind=chosen.kind,
        brand=chosen.brand,
        last4=chosen.last4,
        exp_month=chosen.exp_month,
        exp_year=chosen.exp_year,
        profile_id=chosen.profile_id,
        receipt_email=receipt_email,
        allocations=[
            Allocation(invoice=invoice, amount=amount, position=position)
            for position, (invoice, amount) in enumerate(pairs)
        ],
    )
    # The attempt is the Idempotency-Key's: its retries share one place, which its first request settles.
    card = chosen.fingerprint or card_fingerprint(chosen.source, processor)
    attempt = declines.admit(account, card, f"{account}:{key}")
    if chosen.kind == "us_bank_account" and not idempotency.known(account, key):
        _authorize_debit(payment, ach_authorization, client_address)  # committed with the payment by begin()
    first = idempotency.begin(account, key, _fingerprint(pairs, chosen, receipt_email, save_card), payment)
    if first is not None:
        idempotency.replay_error(first)
        return db.session.get_one(Payment, first.payment_id)
    with attempt.settled():
        payment = charging.charge(
            payment,
            chosen.source,
            save_card=save_card,
            request=idempotency.RequestKey(account, key),
            invoices=invoices,
            processor=processor,
            uow=SqlUnitOfWork(),
        )
    if payment.status is PaymentStatus.SUCCEEDED:
        outbox.relay_now(redis_ext.client, redis_ext.prefix, invoices, payment.account)
    return payment


def _authorize_debit(payment: Payment, version: str | None, client_address: str | None) -> None:
    bank_account = ach_authorizations.bank_account_words(payment.brand, payment.last4)
    record = ach_authorizations.stage(
        payment.account,
        ach_terms.ONE_TIME,
        version or "",
        bank_account,
        payment_id=payment.id,
        amount=payment.amount,
        profile_id=payment.profile_id,
        client_address=client_address,
    )
    ach_authorizations.debited(record, utcnow())


def list_payments(account: str, page: int, per_page: int) -> dict[str, Any]:
    newest_first = select(Payment).where(Payment.account == account).order_by(Payment.created_at.desc(), Payment.id)
    return paginate(db.session, newest_first, page, per_page)


def get_payment(account: str, payment_id: str) -> Payment:
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.account != account:
        raise NotFound("That payment was not found.")
    return payment
