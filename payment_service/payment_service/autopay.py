"""AutoPay enrolment: set up, change, turn off (subscriber or office), each with its consent record and e-mail."""

from typing import Any

from flask import current_app
from sqlalchemy import select

from billpay_common.clock import utcnow
from billpay_common.errors import Conflict, NotFound, Unprocessable
from billpay_common.queue import AUTOPAY_ENROLLED, AUTOPAY_TURNED_OFF

from . import ach_authorizations, ach_terms, autopay_terms, cards, outbox
from .extensions import db
from .models import AUTOPAY_OFF, AUTOPAY_ON, AUTOPAY_SUSPENDED, AutoPayConsent, AutoPayEnrolment, PaymentProfile
from .profiles import profile_of

ON, OFF, SUSPENDED = AUTOPAY_ON, AUTOPAY_OFF, AUTOPAY_SUSPENDED
CARD = "card"
BANK_ACCOUNT = "bank_account"  # an enrolment's method_type when its profile is a us_bank_account


def method_words(brand: str | None, last4: str | None, kind: str = "card") -> str:
    """ "Visa card ending in 4242", or a bank account's "Checking account ending in 6789"."""
    if kind == "us_bank_account":
        return ach_authorizations.bank_account_words(brand, last4)
    return f"{brand} card ending in {last4}"


def retry_days() -> list[int]:
    return [int(day) for day in current_app.config["AUTOPAY_RETRY_DAYS"].split(",")]


def terms_for(account: str, profile: PaymentProfile | None = None, version: str = autopay_terms.CURRENT) -> str:
    days = [str(day) for day in retry_days()]
    return autopay_terms.render(
        version,
        company=current_app.config["COMPANY_NAME"],
        method=method_words(profile.brand, profile.last4, profile.kind) if profile else "chosen card",
        account=account,
        notice_days=current_app.config["AUTOPAY_NOTICE_DAYS"],
        retry_days=" and ".join([", ".join(days[:-1]), days[-1]] if len(days) > 1 else days),
    )


def enrolment_of(account: str) -> AutoPayEnrolment | None:
    return db.session.get(AutoPayEnrolment, account)


def state(account: str) -> dict[str, Any]:
    enrolment = enrolment_of(account)
    if enrolment is None:
        return {"account": account, "status": OFF, "method": None, "terms_version": None, "since": None}
    profile = db.session.get(PaymentProfile, enrolment.profile_id) if enrolment.profile_id else None
    method = None
    if profile is not None and enrolment.status != OFF:
        method = {
            "type": enrolment.method_type,
            "profile_id": profile.id,
            "brand": profile.brand,
            "last4": profile.last4,
        }
    return {
        "account": account,
        "status": enrolment.status,
        "method": method,
        "terms_version": enrolment.terms_version,
        "since": enrolment.updated_at,
        "reason": enrolment.status_reason,
    }


def _consent(account, action, profile, terms_version, client_address, staff_actor):
    db.session.add(
        AutoPayConsent(
            account=account,
            action=action,
            method_type=_method_type(profile) if profile else CARD,
            profile_id=profile.id if profile else None,
            brand=profile.brand if profile else None,
            last4=profile.last4 if profile else None,
            terms_version=terms_version,
            client_address=(client_address or "")[:45] or None,
            staff_actor=staff_actor,
        )
    )


def _method_type(profile) -> str:
    return BANK_ACCOUNT if profile.kind == "us_bank_account" else CARD


def _authorize_debits(account, profile, version, client_address, staff_actor) -> None:
    bank_account = ach_authorizations.bank_account_words(profile.brand, profile.last4)
    ach_authorizations.stage(
        account,
        ach_terms.AUTOPAY,
        version or "",
        bank_account,
        profile_id=profile.id,
        client_address=(client_address or "")[:45] or None,
        staff_actor=staff_actor,
    )


def enrol(
    account: str,
    profile_id: str,
    terms_version: str,
    *,
    client_address: str | None,
    staff_actor: str | None = None,
    ach_authorization: str | None = None,
) -> dict[str, Any]:
    """Turn AutoPay on (or move it to another saved card) under the authorization text `terms_version`; from a
    bank account, under the NACHA debit authorization `ach_authorization` too."""
    if terms_version != autopay_terms.CURRENT:
        raise Unprocessable(
            "The AutoPay authorization has changed since it was shown. Please read it again and agree.",
            code="terms_changed",
            fields={"terms_version": f"The current version is {autopay_terms.CURRENT}."},
        )
    profile = profile_of(account, profile_id)
    if profile.kind == "us_bank_account":
        _authorize_debits(account, profile, ach_authorization, client_address, staff_actor)
    elif cards.expiry_problem(profile.exp_month, profile.exp_year, utcnow().date()):
        raise Unprocessable(
            "That saved card has expired. Please choose another card.", fields={"profile_id": "Expired."}
        )
    enrolment = enrolment_of(account)
    action = "change" if enrolment is not None and enrolment.status == ON else "enrol"
    if enrolment is None:
        enrolment = AutoPayEnrolment(account=account)
        db.session.add(enrolment)
    enrolment.status, enrolment.method_type, enrolment.profile_id = ON, _method_type(profile), profile.id
    enrolment.terms_version, enrolment.status_reason, enrolment.updated_at = terms_version, None, utcnow()
    _consent(account, action, profile, terms_version, client_address, staff_actor)
    outbox.add_event(
        AUTOPAY_ENROLLED,
        account,
        None,
        {
            "account": account,
            "account_name": "",
            "method": method_words(profile.brand, profile.last4, profile.kind),
            "terms_version": terms_version,
            "terms": terms_for(account, profile, terms_version),
        },
    )
    db.session.commit()
    return state(account)


def turn_off(account: str, *, client_address: str | None, staff_actor: str | None = None) -> dict[str, Any]:
    """AutoPay off from now: the run re-reads the enrolment before each charge, so none not yet started happens."""
    enrolment = enrolment_of(account)
    if enrolment is None or enrolment.status == OFF:
        raise NotFound("AutoPay is not on for this account.", code="autopay_off")
    enrolment.status, enrolment.status_reason, enrolment.updated_at = OFF, None, utcnow()
    _consent(account, "turn_off", None, None, client_address, staff_actor)
    today = utcnow().date().isoformat()
    outbox.add_event(AUTOPAY_TURNED_OFF, account, None, {"account": account, "account_name": "", "date": today})
    db.session.commit()
    return state(account)


def suspend(enrolment: AutoPayEnrolment, reason: str) -> None:
    """Stage: the last retry failed. The office sees it among the exceptions; the subscriber is e-mailed."""
    enrolment.status, enrolment.status_reason, enrolment.updated_at = SUSPENDED, reason[:255], utcnow()
    _consent(enrolment.account, "suspend", None, None, None, "autopay-run")


def refuse_deleting_autopay_card(account: str, profile_id: str) -> None:
    enrolment = enrolment_of(account)
    if enrolment is not None and enrolment.status == ON and enrolment.profile_id == profile_id:
        raise Conflict(
            "AutoPay charges this card. Choose another card for AutoPay or turn AutoPay off first.",
            code="card_in_autopay",
        )


def consents(account: str) -> list[AutoPayConsent]:
    query = select(AutoPayConsent).where(AutoPayConsent.account == account).order_by(AutoPayConsent.id)
    return list(db.session.scalars(query))


def enrolled(status: str = ON) -> list[AutoPayEnrolment]:
    query = select(AutoPayEnrolment).where(AutoPayEnrolment.status == status).order_by(AutoPayEnrolment.account)
    return list(db.session.scalars(query))
