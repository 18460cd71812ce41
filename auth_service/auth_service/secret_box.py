"""TOTP secrets encrypted at rest (Fernet: AES-128-CBC with an HMAC): a copy of the database, a backup or a
stolen dump gives no authenticator codes without TOTP_ENCRYPTION_KEYS, which only auth_service holds.

The first key encrypts; every key decrypts, so a new key goes first and the old one stays until
`billpay-auth rotate-totp-key` has encrypted every secret again (docs/deploy.md)."""

import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.types import String, TypeDecorator

ENCRYPTED_LENGTH = 255  # a Fernet token of a 32-character base32 secret is 140 characters


def init_secret_box(app):
    keys = app.config["TOTP_ENCRYPTION_KEYS"].split() or [_local_key(app.config["BILLPAY_VAR_DIR"])]
    app.extensions["totp_box"] = MultiFernet([Fernet(key) for key in keys])


def _local_key(var_dir):
    """Without TOTP_ENCRYPTION_KEYS every process on this machine shares one key kept under var/ (dev only)."""
    path = os.path.join(var_dir, "auth-totp-key")
    try:
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
            file.write(Fernet.generate_key())
    except FileExistsError:
        pass
    with open(path, "rb") as file:
        return file.read().strip()


def box():
    return current_app.extensions["totp_box"]


def encrypt(secret):
    return box().encrypt(secret.encode()).decode()


def decrypt(token):
    try:
        return box().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("a TOTP secret cannot be decrypted with TOTP_ENCRYPTION_KEYS (a key is missing)") from None


class EncryptedSecret(TypeDecorator):
    """A column holding a secret as its Fernet token: plain text in Python, encrypted in the database."""

    impl = String(ENCRYPTED_LENGTH)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value)


def rotate_all():
    """Every stored secret's token re-made with the first key (MultiFernet.rotate); one transaction."""
    from .extensions import db
    from .models import StaffMember
    from .totp_models import SubscriberTotp

    rotated = 0
    for model, column in ((StaffMember, "totp_secret"), (SubscriberTotp, "secret")):
        for row in db.session.query(model).all():
            setattr(row, column, getattr(row, column))  # decrypted on load, encrypted with the first key on flush
            flag_modified(row, column)
            rotated += 1
    db.session.commit()
    return rotated
