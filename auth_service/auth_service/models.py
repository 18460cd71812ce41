from billpay_common.clock import utcnow

from .extensions import db
from .secret_box import EncryptedSecret


class PortalUser(db.Model):
    __tablename__ = "portal_users"
    account = db.Column(db.String(20), primary_key=True)
    name = db.Column(db.String(120), nullable=False)
    email = db.Column(db.String(254), nullable=False)
    passcode_hash = db.Column(db.String(255), nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    failed_attempts = db.Column(db.Integer, nullable=False, default=0)
    locked_until = db.Column(db.DateTime, nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class SigningKey(db.Model):
    __tablename__ = "signing_keys"
    kid = db.Column(db.String(64), primary_key=True)
    private_pem = db.Column(db.Text, nullable=False)
    public_jwk = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    retired_at = db.Column(db.DateTime, nullable=True)


class AccessAudit(db.Model):
    """Who changed whose portal access, and when."""

    __tablename__ = "access_audit"
    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    actor = db.Column(db.String(80), nullable=False)
    action = db.Column(db.String(40), nullable=False)
    account = db.Column(db.String(20), nullable=False, index=True)
    detail = db.Column(db.String(255), nullable=False, default="")


class LoginAttempt(db.Model):
    """Every login attempt, never with the passcode."""

    __tablename__ = "login_attempts"
    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    account = db.Column(db.String(32), nullable=False, index=True)
    outcome = db.Column(db.String(20), nullable=False)
    client_addr = db.Column(db.String(64), nullable=False, default="")


class PasscodeResetLink(db.Model):
    """A single-use set-passcode link: only the hash of its secret is kept."""

    __tablename__ = "passcode_reset_links"
    token_hash = db.Column(db.String(64), primary_key=True)
    account = db.Column(db.String(20), nullable=False, index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    expires_at = db.Column(db.DateTime, nullable=False)
    used_at = db.Column(db.DateTime, nullable=True)


class StaffMember(db.Model):
    """A person of the office: a password and a TOTP secret, both needed to sign in, and one or more roles."""

    __tablename__ = "staff_members"
    username = db.Column(db.String(40), primary_key=True)
    password_hash = db.Column(db.String(255), nullable=False)
    totp_secret = db.Column(EncryptedSecret(), nullable=False)  # its Fernet token in the table (secret_box.py)
    roles = db.Column(db.String(80), nullable=False)  # comma-separated, as granted (billpay_common.staff_auth)
    active = db.Column(db.Boolean, nullable=False, default=True)
    failed_attempts = db.Column(db.Integer, nullable=False, default=0)
    locked_until = db.Column(db.DateTime, nullable=True)
    last_totp_step = db.Column(db.BigInteger, nullable=False, default=0)  # a code works once
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    @property
    def role_list(self):
        return [role for role in self.roles.split(",") if role]


class StaffAudit(db.Model):
    """Every staff sign-in (never with the password or code) and every change to a staff account."""

    __tablename__ = "staff_audit"
    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    actor = db.Column(db.String(80), nullable=False)
    action = db.Column(db.String(40), nullable=False)
    username = db.Column(db.String(40), nullable=False, index=True)
    detail = db.Column(db.String(255), nullable=False, default="")
    client_addr = db.Column(db.String(64), nullable=False, default="")
