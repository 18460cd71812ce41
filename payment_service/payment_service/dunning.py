"""AutoPay's e-mails around a charge: the advance notice of a changed amount, and after a decline the retry
notice or, after the last retry, the suspension (the office then sees the account among the exceptions)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from billpay_common.queue import AUTOPAY_DECLINED, AUTOPAY_NOTICE, AUTOPAY_SUSPENDED

from . import autopay, outbox
from .extensions import db
from .models import AutoPayAttempt, AutoPayNotice, Payment, PaymentProfile
from .payment_status import PaymentStatus


def last_autopay_amount(account: str) -> Decimal | None:
    query = (
        select(Payment.amount)
        .join(AutoPayAttempt, AutoPayAttempt.payment_id == Payment.id)
        .where(Payment.account == account, Payment.status == PaymentStatus.SUCCEEDED)
        .order_by(Payment.paid_at.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def notice_before(account: str, invoice: str, due: date, amount: Decimal) -> str:
    """One notice per invoice and due date, when the amount is not the last AutoPay charge's (or there is none)."""
    previous = last_autopay_amount(account)
    if previous == amount or db.session.get(AutoPayNotice, (account, invoice, due)) is not None:
        db.session.rollback()
        return "no_notice"
    enrolment = autopay.enrolment_of(account)
    profile = db.session.get(PaymentProfile, enrolment.profile_id) if enrolment and enrolment.profile_id else None
    if profile is None:
        db.session.rollback()
        return "no_notice"
    db.session.add(AutoPayNotice(account=account, invoice=invoice, due_date=due, amount=amount))
    outbox.add_event(
        AUTOPAY_NOTICE,
        account,
        None,
        {
            "account": account,
            "account_name": "",
            "invoice": invoice,
            "due_date": due.isoformat(),
            "amount": str(amount),
            "previous_amount": None if previous is None else str(previous),
            "method": autopay.method_words(profile.brand, profile.last4, profile.kind),
        },
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another worker sent it at the same moment
        return "no_notice"
    return "noticed"


def _failure_data(account, invoice, amount, brand, last4, message, kind="card"):
    return {
        "account": account,
        "account_name": "",
        "invoice": invoice,
        "amount": str(amount),
        "method": autopay.method_words(brand, last4, kind),
        "message": message,
        "pay_link": current_app.config["PORTAL_PAYMENT_URL"],
    }


def suspend_for_expired_card(enrolment, profile: PaymentProfile, invoice: str, amount: Decimal) -> str:
    """The card ran out before the due date (its expiry reminder went out a month ahead): nothing is charged,
    AutoPay is suspended, the subscriber is told and the office sees the account among the exceptions."""
    message = f"The card expired at the end of {profile.exp_month:02d}/{profile.exp_year}."
    autopay.suspend(enrolment, f"invoice {invoice}: {message}")
    data = _failure_data(enrolment.account, invoice, amount, profile.brand, profile.last4, message, profile.kind)
    outbox.add_event(AUTOPAY_SUSPENDED, enrolment.account, None, data)
    db.session.commit()
    return "suspended"


def after_decline(payment: Payment, invoice: str, due: date) -> str:
    """E-mail the decline with the next try's date, or suspend AutoPay after the last try."""
    from .autopay_run import attempts_of, declines_since, lock_enrolment  # the run calls this module

    account, message = payment.account, payment.failure_message or "the card was declined"
    data = _failure_data(account, invoice, payment.amount, payment.brand, payment.last4, message, payment.kind)
    db.session.rollback()
    enrolment = lock_enrolment(account)  # a write first: SQLite refuses a read transaction turned writer
    since = enrolment.updated_at if enrolment is not None else datetime.min
    declines, first_run = declines_since(attempts_of(account, invoice, due), since)
    schedule = autopay.retry_days()
    if declines > len(schedule) or first_run is None:
        if enrolment is not None and enrolment.status == autopay.ON:
            autopay.suspend(enrolment, f"invoice {invoice} declined {declines} times: {data['message']}")
        outbox.add_event(AUTOPAY_SUSPENDED, account, None, data)
        outcome = "suspended"
    else:
        next_try = first_run + timedelta(days=schedule[declines - 1])
        outbox.add_event(AUTOPAY_DECLINED, account, None, {**data, "next_try": next_try.isoformat()})
        outcome = "declined"
    db.session.commit()
    return outcome
