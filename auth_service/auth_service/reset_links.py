"""Single-use set-passcode links: made for an account, e-mailed to its address on file, used once."""

import hashlib
import logging
import secrets
from datetime import timedelta
from urllib.parse import urlencode

import redis
from flask import current_app

from billpay_common.clock import utcnow
from billpay_common.logs import current_request_id
from billpay_common.queue import PASSCODE_RESET, EmailJob, publish

from .extensions import db, redis_ext
from .models import PasscodeResetLink

log = logging.getLogger(__name__)


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(user):
    """Adds the link (its hash) to the session; returns the URL to e-mail. The caller commits."""
    token = secrets.token_urlsafe(32)
    minutes = current_app.config["PASSCODE_RESET_LINK_MINUTES"]
    db.session.add(
        PasscodeResetLink(
            token_hash=token_hash(token), account=user.account, expires_at=utcnow() + timedelta(minutes=minutes)
        )
    )
    return f"{current_app.config['PASSCODE_RESET_URL']}?{urlencode({'token': token})}"


def send_link(user, url):
    job = EmailJob(
        type=PASSCODE_RESET,
        to=user.email,
        account=user.account,
        request_id=current_request_id() or "",
        data={
            "name": user.name,
            "account": user.account,
            "link": url,
            "minutes": current_app.config["PASSCODE_RESET_LINK_MINUTES"],
        },
    )
    try:
        publish(redis_ext.client, redis_ext.prefix, job)
        return True
    except redis.RedisError as error:
        log.warning("set-passcode e-mail not queued: %s", type(error).__name__)
        return False


def use_link(token):
    """The unused, unexpired link for `token` (now used up), or None."""
    link = db.session.get(PasscodeResetLink, token_hash(token or ""), with_for_update=True)
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    link.used_at = utcnow()
    return link


def retire_links(account):
    """Earlier links of the account stop working once its passcode changes."""
    db.session.query(PasscodeResetLink).filter(
        PasscodeResetLink.account == account, PasscodeResetLink.used_at.is_(None)
    ).update({"used_at": utcnow()})
