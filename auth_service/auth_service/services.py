"""Subscriber sign-in: login, lockout (sessions.py issues and ends the tokens)."""

import logging
from datetime import timedelta

import redis
from flask import current_app
from sqlalchemy import update

from billpay_common.clock import utcnow
from billpay_common.errors import TooManyRequests, Unauthorized

from . import login_codes, mfa, passcodes, sessions
from .extensions import db, redis_ext
from .models import LoginAttempt, PortalUser

log = logging.getLogger(__name__)
WRONG_PAIR = "The account number or passcode is not correct."
STRANGER_MEMORY_SECONDS = 24 * 3600
_dummy_hash = {}


def _hasher():
    return current_app.extensions["auth_hasher"]


def _dummy():
    """A real hash to verify against for unknown accounts, so both answers take the same time."""
    if "hash" not in _dummy_hash:
        _dummy_hash["hash"] = _hasher().hash(passcodes.generate_passcode())
    return _dummy_hash["hash"]


def _locked_message(until):
    minutes = max(1, int((until - utcnow()).total_seconds() // 60) + 1)
    phone = current_app.config["OFFICE_PHONE"]
    return (
        f"Too many failed attempts: this account is locked. Try again in {minutes} minutes "
        f"or call the accounting office at {phone}."
    )


def _record(account, outcome, client_addr):
    db.session.add(LoginAttempt(account=account[:32], outcome=outcome, client_addr=(client_addr or "")[:64]))
    db.session.commit()


def _count_failure(user):
    db.session.execute(
        update(PortalUser)
        .where(PortalUser.account == user.account)
        .values(failed_attempts=PortalUser.failed_attempts + 1)
    )
    db.session.refresh(user)
    if user.failed_attempts >= current_app.config["LOGIN_LOCKOUT_THRESHOLD"]:
        user.locked_until = utcnow() + timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])


def _stranger_keys(account):
    base = f"{redis_ext.prefix}auth:stranger:{account}"
    return base + ":failures", base + ":locked"


def _stranger_locked_until(account):
    """Numbers with no portal access lock like real accounts, or the eleventh try would tell which ones exist.

    Their counts live in Redis, for a day after the last try; with Redis away they simply do not lock."""
    try:
        seconds = redis_ext.client.ttl(_stranger_keys(account)[1])
    except redis.RedisError as error:
        log.warning("lockout of unknown account numbers skipped, Redis unreachable: %s", type(error).__name__)
        return None
    return utcnow() + timedelta(seconds=seconds) if seconds > 0 else None


def _count_stranger_failure(account):
    failures, locked = _stranger_keys(account)
    try:
        with redis_ext.client.pipeline() as pipe:
            count, _ = pipe.incr(failures).expire(failures, STRANGER_MEMORY_SECONDS).execute()
        if count >= current_app.config["LOGIN_LOCKOUT_THRESHOLD"]:
            redis_ext.client.set(locked, "1", ex=current_app.config["LOGIN_LOCKOUT_MINUTES"] * 60)
    except redis.RedisError as error:
        log.warning("failure of an unknown account number not counted, Redis unreachable: %s", type(error).__name__)


def login(username, passcode, client_addr):
    account = passcodes.normalize_account(username)
    user = db.session.get(PortalUser, account) if account else None
    if user is None or not user.active:
        _refuse_stranger(account, passcode, client_addr)
    if user.locked_until and user.locked_until > utcnow():
        _record(account, "locked", client_addr)
        raise TooManyRequests(_locked_message(user.locked_until), code="account_locked")
    if not passcodes.verify(_hasher(), user.passcode_hash, passcode):
        _count_failure(user)
        _record(account, "wrong_passcode", client_addr)
        raise Unauthorized(WRONG_PAIR, code="invalid_credentials")
    if _hasher().check_needs_rehash(user.passcode_hash):
        user.passcode_hash = _hasher().hash(passcode)
    if mfa.enabled_factor(user.account) is not None:
        # the failure count stays until the code is right too, or a known passcode would buy endless code guesses
        challenge = login_codes.start_challenge(user)
        _record(account, "code_required", client_addr)
        return challenge
    user.failed_attempts, user.locked_until = 0, None
    _record(account, "success", client_addr)
    return sessions.issue_token(user.account, user.name)


def _refuse_stranger(account, passcode, client_addr):
    """The answers a real account would give: 401 for a wrong passcode, 429 once locked."""
    locked_until = _stranger_locked_until(account) if account else None
    if locked_until:
        _record(account, "locked", client_addr)
        raise TooManyRequests(_locked_message(locked_until), code="account_locked")
    passcodes.verify(_hasher(), _dummy(), passcode)
    if account:
        _count_stranger_failure(account)
    _record(account or "-", "unknown_account", client_addr)
    raise Unauthorized(WRONG_PAIR, code="invalid_credentials")


def profile(account):
    user = db.session.get(PortalUser, account)
    if user is None or not user.active:
        raise Unauthorized(sessions.ACCESS_ENDED, code="access_revoked")
    return user
