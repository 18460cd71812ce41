"""NACHA debit authorizations: staged with the payment or AutoPay enrolment they authorize, refreshed by each
debit, kept until two years after the last one, listed for the office."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from billpay_common.clock import utcnow
from billpay_common.errors import Unprocessable
from billpay_common.money import display_money

from . import ach_terms
from .extensions import db
from .models import AUTOPAY_OFF, AchAuthorization, AutoPayEnrolment, PaymentProfile

KEEP_FOR = timedelta(days=731)  # two years after the last debit, a leap day included


def checked_version(version: str | None) -> str:
    if version not in ach_terms.TEXTS:
        raise Unprocessable(
            "Read and accept the debit authorization for this bank account.",
            code="ach_authorization_required",
            fields={"ach_authorization": f"Accept the authorization text version {ach_terms.CURRENT}."},
        )
    return version


def bank_account_words(label: str | None, last4: str | None) -> str:
    """ "JPMORGAN CHASE checking account ending in 6789", "Checking account ending in 6789"."""
    label = label or "Bank"
    named = label if label.endswith(" account") else f"{label} account"
    return f"{named} ending in {last4}"


def text_to_accept(profile: PaymentProfile, amount=None) -> dict:
    """The current debit authorization for a saved bank account, as the subscriber must see it before accepting:
    a one-time debit of `amount`, or (no amount) AutoPay's debits on each due date."""
    if profile.kind != "us_bank_account":
        raise Unprocessable(
            "Only a bank account has a debit authorization; a card needs none.",
            code="not_a_bank_account",
            fields={"profile_id": "Choose a saved bank account."},
        )
    method = ach_terms.ONE_TIME if amount is not None else ach_terms.AUTOPAY
    text = ach_terms.render(
        ach_terms.CURRENT,
        company=current_app.config["COMPANY_NAME"],
        bank_account=bank_account_words(profile.brand, profile.last4),
        method=method,
        amount=display_money(amount) if amount is not None else None,
    )
    return {"version": ach_terms.CURRENT, "method": method, "text": text}


NEW_BANK_ACCOUNT = "bank account connected here"


def text_for_new_bank_account() -> dict:
    """The current debit authorization to accept before a bank account is connected (Stripe.js's
    confirmUsBankAccountSetup records the mandate under it): the debits the subscriber will choose later."""
    text = ach_terms.render(
        ach_terms.CURRENT,
        company=current_app.config["COMPANY_NAME"],
        bank_account=NEW_BANK_ACCOUNT,
        method=ach_terms.SAVED,
    )
    return {"version": ach_terms.CURRENT, "method": ach_terms.SAVED, "text": text}


def stage(account: str, method: str, version: str, bank_account: str, **details) -> AchAuthorization:
    """details: amount, payment_id, profile_id, client_address, staff_actor, as known."""
    now = utcnow()
    record = AchAuthorization(
        account=account,
        method=method,
        text_version=checked_version(version),
        bank_account=bank_account[:60],
        **details,
        accepted_at=now,
        keep_until=(now + KEEP_FOR).date(),
    )
    db.session.add(record)
    return record


def debited(record: AchAuthorization, when: datetime) -> None:
    record.last_debit_at = when
    record.keep_until = (when + KEEP_FOR).date()


def debit_under_autopay(account: str, profile_id: str, when: datetime) -> None:
    """Stage: AutoPay debits the bank account now, so its latest authorization is kept two years from now."""
    query = (
        select(AchAuthorization)
        .where(AchAuthorization.account == account, AchAuthorization.profile_id == profile_id)
        .where(AchAuthorization.method == ach_terms.AUTOPAY)
        .order_by(AchAuthorization.id.desc())
    )
    record = db.session.scalars(query.limit(1)).first()
    if record is not None:
        debited(record, when)


def of_account(account: str) -> list[AchAuthorization]:
    query = select(AchAuthorization).where(AchAuthorization.account == account).order_by(AchAuthorization.id)
    return list(db.session.scalars(query))


def forget_expired(today) -> int:
    """Delete the records past their keep date, except AutoPay's while it may still debit under them: NACHA asks
    for two years after the authorization ends, so one stays while its account's AutoPay is on or suspended, and
    for two years after the account's AutoPay last changed (turned off, or moved to another method)."""
    expired = db.session.scalars(select(AchAuthorization).where(AchAuthorization.keep_until < today)).all()
    forgotten = [record for record in expired if not _autopay_still_covers(record, today)]
    for record in forgotten:
        db.session.delete(record)
    db.session.commit()
    return len(forgotten)


def _autopay_still_covers(record: AchAuthorization, today) -> bool:
    if record.method != ach_terms.AUTOPAY:
        return False
    enrolment = db.session.get(AutoPayEnrolment, record.account)
    if enrolment is None:
        return False
    return enrolment.status != AUTOPAY_OFF or (enrolment.updated_at + KEEP_FOR).date() >= today
