"""The subscriber's optional two-step sign-in: set it up (a current code confirms it), remove it (the passcode or
a code), new recovery codes, and the office's reset after it has checked who is calling. All audited."""

import time

from flask import current_app
from sqlalchemy import or_, update

from billpay_common.clock import utcnow
from billpay_common.errors import Conflict, TooManyRequests, Unauthorized, Unprocessable

from . import passcodes, services, sessions, totp
from .access import _user, audit
from .extensions import db
from .models import PortalUser
from .totp_models import RecoveryCode, SubscriberTotp

WRONG_CODE = "That code is not correct."
USED_CODE = "That code has been used already. Wait for the next one from your authenticator app."
NOT_ON = "Two-step sign-in is not on for this account."


def enabled_factor(account):
    factor = db.session.get(SubscriberTotp, account)
    return factor if factor is not None and factor.confirmed_at is not None else None


def status(account):
    left = db.session.query(RecoveryCode).filter_by(account=account, used_at=None).count()
    return {"enabled": enabled_factor(account) is not None, "recovery_codes_left": left}


def begin_setup(account):
    """A new secret, pending until confirm_setup: returned once, with the otpauth:// address for a QR code."""
    _active_user(account)
    factor = db.session.get(SubscriberTotp, account)
    if factor is not None and factor.confirmed_at is not None:
        raise Conflict("Two-step sign-in is already on. Remove it first to set it up again.", code="totp_enabled")
    if factor is None:
        factor = SubscriberTotp(account=account)
        db.session.add(factor)
    factor.secret, factor.last_used_step, factor.created_at = totp.new_secret(), None, utcnow()
    db.session.commit()
    uri = totp.provisioning_uri(factor.secret, account, current_app.config["COMPANY_NAME"])
    return {"secret": factor.secret, "otpauth_uri": uri}


def confirm_setup(account, code):
    """Turns it on once a code from the app matches; returns the recovery codes, shown this once."""
    _active_user(account)
    factor = db.session.get(SubscriberTotp, account)
    if factor is None or factor.confirmed_at is not None:
        raise Conflict("Start the set-up of two-step sign-in first.", code="no_setup")
    step = totp.matching_step(factor.secret, code, time.time())
    if step is None:
        raise Unprocessable(WRONG_CODE, code="invalid_code", fields={"code": "Not correct."})
    factor.confirmed_at, factor.last_used_step = utcnow(), step
    codes = _replace_recovery_codes(account)
    audit("subscriber", "totp_enabled", account)
    db.session.commit()
    return {"recovery_codes": codes}


def remove(account, passcode=None, code=None):
    """Needs the passcode or a code (an authenticator or recovery code); failures count toward the lockout."""
    user = _active_user(account)
    _refuse_if_locked(user)
    factor = enabled_factor(account)
    if factor is None:
        raise Conflict(NOT_ON, code="totp_not_enabled")
    if passcode is not None:
        outcome = "ok" if passcodes.verify(services._hasher(), user.passcode_hash, passcode) else "wrong"
    else:
        outcome = spend_code(factor, code)
    if outcome != "ok":
        _fail(user, "passcode" if passcode is not None else "code", outcome)
    _delete_factor(account)
    audit("subscriber", "totp_removed", account, "with the passcode" if passcode is not None else "with a code")
    db.session.commit()


def new_recovery_codes(account, code):
    """Replaces every recovery code, given a current authenticator code."""
    user = _active_user(account)
    _refuse_if_locked(user)
    factor = enabled_factor(account)
    if factor is None:
        raise Conflict(NOT_ON, code="totp_not_enabled")
    outcome = spend_code(factor, code) if totp.looks_like_totp(code) else "wrong"
    if outcome != "ok":
        _fail(user, "code", outcome)
    codes = _replace_recovery_codes(account)
    audit("subscriber", "recovery_codes_replaced", account)
    db.session.commit()
    return {"recovery_codes": codes}


def office_reset(account, actor, identity_check):
    """The office turns it off for a subscriber who lost the authenticator, having checked who is calling."""
    user = _user(account)
    if enabled_factor(user.account) is None:
        raise Conflict(f"Account {user.account} does not use two-step sign-in.", code="totp_not_enabled")
    _delete_factor(user.account)
    audit(actor, "reset_totp", user.account, f"identity checked: {identity_check}")
    db.session.commit()
    return {"account": user.account, "totp_enabled": False}


def spend_code(factor, code):
    """Uses up `code`, a current authenticator code (each time step once) or an unused recovery code: "ok", or
    "used" for a code already spent, or "wrong"."""
    if not totp.looks_like_totp(code):
        return "ok" if _spend_recovery_code(factor.account, code) else "wrong"
    step = totp.matching_step(factor.secret, code, time.time())
    if step is None:
        return "wrong"
    claimed = db.session.execute(
        update(SubscriberTotp)
        .where(SubscriberTotp.account == factor.account)
        .where(or_(SubscriberTotp.last_used_step.is_(None), SubscriberTotp.last_used_step < step))
        .values(last_used_step=step)
    )
    return "ok" if claimed.rowcount == 1 else "used"


def _spend_recovery_code(account, code):
    spent = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.code_hash == totp.recovery_code_hash(code), RecoveryCode.account == account)
        .where(RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    return spent.rowcount == 1


def _replace_recovery_codes(account):
    db.session.query(RecoveryCode).filter_by(account=account).delete()
    codes = totp.new_recovery_codes()
    db.session.add_all(RecoveryCode(code_hash=totp.recovery_code_hash(code), account=account) for code in codes)
    return codes


def _delete_factor(account):
    db.session.query(RecoveryCode).filter_by(account=account).delete()
    db.session.query(SubscriberTotp).filter_by(account=account).delete()


def _active_user(account):
    user = db.session.get(PortalUser, account)
    if user is None or not user.active:
        raise Unauthorized(sessions.ACCESS_ENDED, code="access_revoked")
    return user


def _refuse_if_locked(user):
    if user.locked_until and user.locked_until > utcnow():
        raise TooManyRequests(services._locked_message(user.locked_until), code="account_locked")


def _fail(user, field, outcome):
    """A wrong passcode or code counts toward the login lockout, as at the login."""
    db.session.rollback()
    services._count_failure(user)
    db.session.commit()
    message = (
        USED_CODE if outcome == "used" else ("The passcode is not correct." if field == "passcode" else WRONG_CODE)
    )
    raise Unprocessable(message, code="invalid_code", fields={field: "Not correct."})
