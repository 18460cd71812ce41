"""Saved payment profiles (Manage Profiles): processor tokens plus brand, last 4 and expiry."""

import logging

from sqlalchemy.exc import IntegrityError

from billpay_common.clock import utcnow
from billpay_common.errors import NotFound, Unavailable, Unprocessable
from billpay_common.queue import PROFILE_EXPIRING

from . import cards, outbox
from .extensions import db
from .models import ExpiryReminder, PaymentProfile
from .processor import CardRefused, ProcessorError, ProcessorTimeout, current_processor

MAX_PROFILES = 10
log = logging.getLogger(__name__)


def list_profiles(account):
    return (
        db.session.query(PaymentProfile)
        .filter(PaymentProfile.account == account)
        .order_by(PaymentProfile.is_default.desc(), PaymentProfile.created_at.desc())
        .all()
    )


def profile_of(account, profile_id):
    profile = db.session.get(PaymentProfile, profile_id)
    if profile is None or profile.account != account:
        raise NotFound("That saved card was not found.")
    return profile


def stage_profile(account, card, token, make_default=False):
    existing = list_profiles(account)
    if len(existing) >= MAX_PROFILES:
        raise Unprocessable(f"You can save up to {MAX_PROFILES} cards. Delete one first.", code="too_many_profiles")
    profile = PaymentProfile(
        account=account,
        token=token,
        brand=card.brand,
        last4=card.last4,
        exp_month=card.exp_month,
        exp_year=card.exp_year,
        kind=card.kind,
        bank_name=card.bank_name,
        account_type=card.account_type,
        is_default=not existing,
    )
    db.session.add(profile)
    if make_default:
        _make_default(account, profile)
    return profile


def processor_customer(account):
    """The processor's customer of the account's saved cards (a `cus_...:pm_...` token's first part), or None."""
    for profile in list_profiles(account):
        customer, separator, _ = profile.token.rpartition(":")
        if separator:
            return customer
    return None


def create_profile(account, payment_method, make_default=False):
    """Save the card behind a one-time token from the processor's fields (Stripe: through a SetupIntent)."""
    if len(list_profiles(account)) >= MAX_PROFILES:
        raise Unprocessable(f"You can save up to {MAX_PROFILES} cards. Delete one first.", code="too_many_profiles")
    try:
        saved = current_processor().save_card(account, payment_method, processor_customer(account))
    except ProcessorTimeout:
        raise Unavailable(
            "We cannot save cards right now. Please try again shortly.", code="try_again_shortly"
        ) from None
    except ProcessorError as refused:
        raise Unprocessable(_refusal(refused), fields={"payment_method": "Not saved."}) from None
    if saved.kind == "card" and cards.expiry_problem(saved.exp_month, saved.exp_year, utcnow().date()):
        raise Unprocessable("This card has expired. Please use another card.", fields={"payment_method": "Expired."})
    profile = stage_profile(account, saved, saved.token, make_default)
    db.session.commit()
    return profile


def _refusal(refused):
    if isinstance(refused, CardRefused):
        return "Your card was declined. Please use another card or call your bank."
    return "We could not save that card. Please enter it again."


def _make_default(account, chosen):
    for profile in list_profiles(account):
        profile.is_default = profile is chosen
    chosen.is_default = True


def set_default(account, profile_id):
    profile = profile_of(account, profile_id)
    _make_default(account, profile)
    db.session.commit()
    return profile


def delete_profile(account, profile_id):
    profile = profile_of(account, profile_id)
    from .autopay import refuse_deleting_autopay_card  # autopay builds on profiles

    refuse_deleting_autopay_card(account, profile_id)
    db.session.delete(profile)
    db.session.flush()
    remaining = list_profiles(account)
    if profile.is_default and remaining and not any(other.is_default for other in remaining):
        remaining[0].is_default = True
    db.session.commit()
    try:
        current_processor().forget(profile.token)
    except Exception:  # deleted here all the same: Bill Pay can no longer charge it
        log.exception("the processor could not drop deleted saved card %s", profile_id)


def queue_expiry_reminders(today, days):
    """One `profile.expiring` e-mail per saved card and month, for cards ending within `days` days."""
    month, queued = today.strftime("%Y-%m"), 0
    candidates = db.session.query(PaymentProfile).filter(PaymentProfile.exp_year <= today.year + 1).all()
    for profile in candidates:
        if not cards.expires_within(profile.exp_month, profile.exp_year, today, days):
            continue
        if db.session.get(ExpiryReminder, (profile.id, month)) is not None:
            continue
        db.session.add(ExpiryReminder(profile_id=profile.id, month=month))
        outbox.add_event(
            PROFILE_EXPIRING,
            profile.account,
            None,
            {
                "brand": profile.brand,
                "last4": profile.last4,
                "exp_month": profile.exp_month,
                "exp_year": profile.exp_year,
                "account": profile.account,
            },
        )
        queued += 1
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another worker queued them at the same moment
        return 0
    return queued
