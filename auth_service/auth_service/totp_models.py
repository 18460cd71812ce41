"""Tables of the subscriber's optional second factor (kept apart from models.py, which holds the rest)."""

from billpay_common.clock import utcnow

from .extensions import db
from .secret_box import EncryptedSecret


class SubscriberTotp(db.Model):
    """A subscriber's TOTP secret: pending until a code confirms it, then asked for at every login."""

    __tablename__ = "subscriber_totp"
    account = db.Column(db.String(20), primary_key=True)
    secret = db.Column(EncryptedSecret(), nullable=False)  # its Fernet token in the table (secret_box.py)
    confirmed_at = db.Column(db.DateTime, nullable=True)
    last_used_step = db.Column(db.BigInteger, nullable=True)  # a code is good once: never this step or earlier
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class RecoveryCode(db.Model):
    """A single-use code for when the authenticator is lost: only its hash is kept."""

    __tablename__ = "subscriber_recovery_codes"
    code_hash = db.Column(db.String(64), primary_key=True)
    account = db.Column(db.String(20), nullable=False, index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    used_at = db.Column(db.DateTime, nullable=True)


class LoginChallenge(db.Model):
    """The passcode was right, a code is still owed: the short-lived token of that half-done login."""

    __tablename__ = "login_challenges"
    token_hash = db.Column(db.String(64), primary_key=True)
    account = db.Column(db.String(20), nullable=False, index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    expires_at = db.Column(db.DateTime, nullable=False)
    used_at = db.Column(db.DateTime, nullable=True)
