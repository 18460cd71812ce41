"""The accounting office's use cases: grant, revoke, reset and unlock portal access, all audited."""

import logging

import redis
from flask import current_app

from billpay_common.errors import Conflict, NotFound, Unprocessable
from billpay_common.logs import current_request_id
from billpay_common.queue import ACCESS_GRANTED, EmailJob, publish

from . import passcodes, reset_links, sessions
from .extensions import db, redis_ext
from .models import AccessAudit, LoginAttempt, PortalUser

log = logging.getLogger(__name__)


def audit(actor, action, account, detail=""):
    db.session.add(AccessAudit(actor=actor[:80], action=action, account=account, detail=detail[:255]))


def _hash(passcode):
    return current_app.extensions["auth_hasher"].hash(passcode)


def _checked_passcode(passcode):
    if passcode is None:
        return passcodes.generate_passcode(), True
    return passcodes.check_new_passcode(passcode), False


def _user(account):
    user = db.session.get(PortalUser, passcodes.normalize_account(account))
    if user is None:
        raise NotFound(f"Account {account} has no portal access.")
    return user


def grant_access(account, email, name, actor, passcode=None):
    """Returns (user, passcode, generated). Granting again to an active account is refused."""
    account = passcodes.normalize_account(account)
    if not account.isdigit():
        raise Unprocessable("An account number has digits only.", fields={"account": "Digits only."})
    passcode, generated = _checked_passcode(passcode)
    user = db.session.get(PortalUser, account)
    if user is not None and user.active:
        raise Conflict(f"Account {account} already has portal access; reset its passcode instead.")
    if user is None:
        user = PortalUser(account=account)
        db.session.add(user)
    user.name, user.email, user.active = name, email, True
    user.passcode_hash = _hash(passcode)
    user.failed_attempts, user.locked_until = 0, None
    audit(actor, "grant", account, f"email={email}")
    db.session.commit()
    _announce(user)
    return user, passcode, generated


def _announce(user):
    job = EmailJob(
        type=ACCESS_GRANTED,
        to=user.email,
        account=user.account,
        request_id=current_request_id() or "",
        data={"name": user.name, "account": user.account},
    )
    try:
        publish(redis_ext.client, redis_ext.prefix, job)
    except redis.RedisError as error:
        log.warning("access-granted e-mail not queued: %s", error)


def revoke_access(account, actor):
    user = _user(account)
    user.active = False
    audit(actor, "revoke", user.account)
    sessions.end_all_sessions(user.account)
    db.session.commit()


def reset_passcode(account, actor):
    """The office's reset: the old passcode stops working, every session ends, and the subscriber gets a
    single-use set-passcode link at the address on file. Nobody learns a passcode. Returns (user, sent)."""
    user = _user(account)
    user.passcode_hash = _hash(passcodes.generate_passcode(32))
    user.failed_attempts, user.locked_until = 0, None
    reset_links.retire_links(user.account)
    url = reset_links.create_link(user)
    audit(actor, "reset_passcode", user.account, "set-passcode link e-mailed")
    sessions.end_all_sessions(user.account)
    db.session.commit()
    return user, reset_links.send_link(user, url)


def set_passcode(account, actor, passcode=None):
    """The office at the shell: a passcode it gives (or one generated and shown once); every session ends."""
    user = _user(account)
    passcode, generated = _checked_passcode(passcode)
    user.passcode_hash = _hash(passcode)
    user.failed_attempts, user.locked_until = 0, None
    reset_links.retire_links(user.account)
    audit(actor, "set_passcode", user.account)
    sessions.end_all_sessions(user.account)
    db.session.commit()
    return user, passcode, generated


def unlock(account, actor):
    user = _user(account)
    user.failed_attempts, user.locked_until = 0, None
    audit(actor, "unlock", user.account)
    db.session.commit()
    return user


def access_status(account):
    return _user(account)


def audit_log(account=None, limit=100):
    query = db.session.query(AccessAudit).order_by(AccessAudit.id.desc())
    if account:
        query = query.filter(AccessAudit.account == passcodes.normalize_account(account))
    return query.limit(limit).all()


def login_attempts(account=None, limit=100):
    query = db.session.query(LoginAttempt).order_by(LoginAttempt.id.desc())
    if account:
        query = query.filter(LoginAttempt.account == passcodes.normalize_account(account))
    return query.limit(limit).all()
