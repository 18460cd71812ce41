"""The subscriber's own passcode: change it (knowing the current one) or set it from an e-mailed link.

Either ends every session of the account (sessions.end_all_sessions) and is audited."""

from flask import current_app

from billpay_common.errors import Unauthorized, Unprocessable

from . import passcodes, reset_links, sessions
from .access import audit
from .extensions import db
from .models import PortalUser

FORGOT_ANSWER = (
    "If that account has online access and an e-mail address on file, we have sent it a link to set a new "
    "passcode. The link works once, for {minutes} minutes."
)
DEAD_LINK = "This link is used up or has expired. Ask for a new one from the login page."


def _hasher():
    return current_app.extensions["auth_hasher"]


def _set(user, new_passcode, actor, action):
    user.passcode_hash = _hasher().hash(new_passcode)
    user.failed_attempts, user.locked_until = 0, None
    reset_links.retire_links(user.account)
    audit(actor, action, user.account)
    sessions.end_all_sessions(user.account)
    db.session.commit()


def change_passcode(account, current_passcode, new_passcode):
    """Returns a token for a new session: every other one (this one too) has ended."""
    user = db.session.get(PortalUser, account)
    if user is None or not user.active:
        raise Unauthorized(sessions.ACCESS_ENDED, code="access_revoked")
    if not passcodes.verify(_hasher(), user.passcode_hash, current_passcode):
        raise Unprocessable("The current passcode is not correct.", fields={"current": "Not correct."})
    passcodes.check_new_passcode(new_passcode, field="new")
    _set(user, new_passcode, "subscriber", "change_passcode")
    return sessions.issue_token(user.account, user.name)


def forgot_passcode(typed_account):
    """The same answer whatever the account: e-mails a link only to an active account with an address, and
    audits every request (so unknown numbers cost the same database write)."""
    account = passcodes.normalize_account(typed_account)[:20] or "-"
    user = db.session.get(PortalUser, account)
    url = None
    if user is not None and user.active and user.email:
        url = reset_links.create_link(user)
    audit("subscriber", "forgot_passcode", account, "link sent" if url else "no link: no access or no e-mail")
    db.session.commit()
    if url:
        reset_links.send_link(user, url)
    return {"message": forgot_answer()}


def forgot_answer():
    return FORGOT_ANSWER.format(minutes=current_app.config["PASSCODE_RESET_LINK_MINUTES"])


def set_passcode_from_link(token, new_passcode):
    passcodes.check_new_passcode(new_passcode, field="new")
    link = reset_links.use_link(token)
    user = db.session.get(PortalUser, link.account) if link else None
    if user is None or not user.active:
        db.session.rollback()
        raise Unprocessable(DEAD_LINK, code="link_not_valid", fields={"token": "Used up or expired."})
    _set(user, new_passcode, "subscriber:link", "set_passcode_from_link")
    return user
