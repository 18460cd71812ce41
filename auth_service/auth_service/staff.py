"""Staff accounts: argon2id passwords, TOTP that is always required, lockout, roles; sign-in for a short-lived
staff token. The roles and what they imply are defined once, in billpay_common.staff_auth."""

import re
import time
import uuid
from datetime import timedelta

import jwt
import pyotp
import segno
from flask import current_app
from sqlalchemy import update

from billpay_common.clock import utcnow
from billpay_common.errors import Conflict, NotFound, TooManyRequests, Unauthorized, Unprocessable
from billpay_common.staff_auth import ADMIN, ROLES, STAFF_AUDIENCE

from . import keys, passcodes, sessions
from .extensions import db
from .models import StaffAudit, StaffMember

TOTP_ISSUER = "Bill Pay office"
WRONG_SIGN_IN = "The username, password or code is not correct."
# Not digits only: account numbers are, and both are the `sub` the per-subject "sessions ended" time is kept by.
USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")
_dummy_hash = {}


def _hasher():
    return current_app.extensions["auth_hasher"]


def audit(actor, action, username, detail="", client_addr=""):
    db.session.add(
        StaffAudit(
            actor=actor[:80],
            action=action,
            username=username[:40],
            detail=detail[:255],
            client_addr=(client_addr or "")[:64],
        )
    )


def checked_username(username):
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        raise Unprocessable(
            "A staff username is 2-40 lower-case letters, digits, dots, dashes or underscores, starting with a letter.",
            fields={"username": "Not a valid staff username."},
        )
    return username


def checked_roles(roles):
    unknown = sorted(set(roles) - set(ROLES))
    if unknown or not roles:
        raise Unprocessable(
            f"Roles are one or more of {', '.join(ROLES)}.", fields={"roles": f"Unknown: {', '.join(unknown)}."}
        )
    return ",".join(role for role in ROLES if role in roles)


def enrolment(member):
    """What the new staff member needs once: the TOTP secret, its otpauth URI and that URI as a QR code (SVG)."""
    uri = pyotp.TOTP(member.totp_secret).provisioning_uri(name=member.username, issuer_name=TOTP_ISSUER)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4, title=f"{TOTP_ISSUER}: {member.username}")
    return {"totp_secret": member.totp_secret, "otpauth_uri": uri, "qr_svg": qr_svg}


def create_staff(username, roles, actor, password=None, totp_secret=None):
    """Returns (member, password): the password (generated unless given) is shown once, never stored."""
    username, roles = checked_username(username), checked_roles(roles)
    if db.session.get(StaffMember, username) is not None:
        raise Conflict(f"There is already a staff member {username}.")
    password = passcodes.check_new_passcode(password, "password") if password else passcodes.generate_passcode(16)
    member = StaffMember(
        username=username,
        password_hash=_hasher().hash(password),
        totp_secret=totp_secret or pyotp.random_base32(),
        roles=roles,
        active=True,
        failed_attempts=0,
        last_totp_step=0,
    )
    db.session.add(member)
    audit(actor, "create_staff", username, f"roles={roles}")
    db.session.commit()
    return member, password


def bootstrap_admin(username, actor):
    """The first admin; refused once any active admin exists (further staff are made by an admin)."""
    admins = db.session.query(StaffMember).filter(StaffMember.active.is_(True)).all()
    if any(ADMIN in member.role_list for member in admins):
        raise Conflict("An admin exists already: an admin creates further staff accounts.")
    return create_staff(username, [ADMIN], actor)


def member(username):
    found = db.session.get(StaffMember, (username or "").strip().lower())
    if found is None:
        raise NotFound(f"There is no staff member {username}.")
    return found


def list_staff():
    return db.session.query(StaffMember).order_by(StaffMember.username).all()


def _end_sessions(member):
    sessions.end_all_sessions(member.username, current_app.config["STAFF_TOKEN_TTL_SECONDS"])


def set_roles(username, roles, actor):
    found = member(username)
    found.roles = checked_roles(roles)
    audit(actor, "set_roles", found.username, f"roles={found.roles}")
    _end_sessions(found)  # a token carries its roles: the old ones stop at once
    db.session.commit()
    return found


def disable(username, actor):
    found = member(username)
    if actor == f"staff:{found.username}":
        raise Conflict("You cannot disable your own staff account.")
    found.active = False
    audit(actor, "disable_staff", found.username)
    _end_sessions(found)
    db.session.commit()
    return found


def reset_totp(username, actor):
    """A new TOTP secret (the old authenticator stops working), lockout lifted, every session ended."""
    found = member(username)
    found.totp_secret, found.last_totp_step = pyotp.random_base32(), 0
    found.failed_attempts, found.locked_until = 0, None
    audit(actor, "reset_totp", found.username)
    _end_sessions(found)
    db.session.commit()
    return found


def unlock(username, actor):
    found = member(username)
    found.failed_attempts, found.locked_until = 0, None
    audit(actor, "unlock_staff", found.username)
    db.session.commit()
    return found


def staff_audit(username=None, limit=100):
    query = db.session.query(StaffAudit).order_by(StaffAudit.id.desc())
    if username:
        query = query.filter(StaffAudit.username == username.strip().lower())
    return query.limit(limit).all()


# -- sign-in ---------------------------------------------------------------------------------------------------
def _dummy():
    if "hash" not in _dummy_hash:
        _dummy_hash["hash"] = _hasher().hash(passcodes.generate_passcode())
    return _dummy_hash["hash"]


def _matching_step(secret, code, now):
    """The time step whose code `code` is (the current one or either neighbour, for clock drift), or None."""
    totp = pyotp.TOTP(secret)
    step = int(now) // totp.interval
    for candidate in (step, step - 1, step + 1):
        if pyotp.utils.strings_equal(str(code), totp.generate_otp(candidate)):
            return candidate
    return None


def _refuse(username, outcome, client_addr, known=True):
    """The same answer for every failure; the audit says which (never the password or the code)."""
    actor = f"staff:{username}" if known else "anonymous"
    audit(actor, "sign_in_failed", username or "-", outcome, client_addr)
    db.session.commit()
    raise Unauthorized(WRONG_SIGN_IN, code="invalid_credentials")


def _count_failure(found):
    db.session.execute(
        update(StaffMember)
        .where(StaffMember.username == found.username)
        .values(failed_attempts=StaffMember.failed_attempts + 1)
    )
    db.session.refresh(found)
    if found.failed_attempts >= current_app.config["STAFF_LOCKOUT_THRESHOLD"]:
        found.locked_until = utcnow() + timedelta(minutes=current_app.config["STAFF_LOCKOUT_MINUTES"])


def sign_in(username, password, code, client_addr, now=None):
    """A staff token for the right password and a TOTP code not used before; every attempt is audited."""
    now = now or time.time()
    username = (username or "").strip().lower()
    found = db.session.get(StaffMember, username) if username else None
    if found is None or not found.active:
        passcodes.verify(_hasher(), _dummy(), password)
        _refuse(username, "unknown_or_disabled", client_addr, known=False)
    if found.locked_until and found.locked_until > utcnow():
        audit(f"staff:{username}", "sign_in_failed", username, "locked", client_addr)
        db.session.commit()
        raise TooManyRequests(
            "Too many failed sign-ins: this staff account is locked. Ask an admin, or try again later.",
            code="account_locked",
        )
    password_ok = passcodes.verify(_hasher(), found.password_hash, password)
    step = _matching_step(found.totp_secret, code, now) if password_ok else None
    if step is None or step <= found.last_totp_step:
        _count_failure(found)
        outcome = "wrong_password" if not password_ok else ("wrong_code" if step is None else "replayed_code")
        _refuse(username, outcome, client_addr)
    found.failed_attempts, found.locked_until, found.last_totp_step = 0, None, step
    audit(f"staff:{username}", "sign_in", username, f"roles={found.roles}", client_addr)
    db.session.commit()
    return issue_staff_token(found, now)


def issue_staff_token(found, now):
    kid, private_key = keys.active_key()
    now = round(now, 3)
    expires = now + current_app.config["STAFF_TOKEN_TTL_SECONDS"]
    claims = {
        "sub": found.username,
        "roles": found.role_list,
        "iat": now,
        "auth_time": int(now),
        "exp": expires,
        "jti": uuid.uuid4().hex,
        "iss": current_app.config["TOKEN_ISSUER"],
        "aud": STAFF_AUDIENCE,
    }
    token = jwt.encode(claims, private_key, algorithm="EdDSA", headers={"kid": kid})
    return {"access_token": token, "token_type": "Bearer", "expires_in": round(expires - now), "roles": found.role_list}
