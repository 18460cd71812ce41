"""Token signing keys (Ed25519) kept in auth_service's own database, rotation-ready by key id."""

import json
import time
import uuid
from datetime import timedelta
from itertools import pairwise

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from sqlalchemy.exc import IntegrityError

from billpay_common.clock import utcnow
from billpay_common.errors import Conflict, NotFound

from .extensions import db
from .models import SigningKey

_CACHE_SECONDS = 60


def _active():
    """This app's cached signing key: one cache per app, as each app has its own database of keys."""
    return current_app.extensions.setdefault("billpay_active_signing_key", {"key": None, "loaded_at": 0.0})


def _new_key():
    private = Ed25519PrivateKey.generate()
    kid = uuid.uuid4().hex
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(private.public_key()))
    public_jwk.update(kid=kid, use="sig", alg="EdDSA")
    return SigningKey(kid=kid, private_pem=private_pem, public_jwk=json.dumps(public_jwk))


def rotate_key():
    """Add a new signing key; older ones stay published so tokens they signed still verify."""
    key = _new_key()
    db.session.add(key)
    db.session.commit()
    _active()["key"] = None
    return key.kid


def ensure_key():
    if db.session.query(SigningKey.kid).filter(SigningKey.retired_at.is_(None)).first() is None:
        try:
            rotate_key()
        except IntegrityError:
            db.session.rollback()


def active_key():
    """(kid, private key) of the newest key, cached for a minute by each app (each process in production)."""
    cache = _active()
    if cache["key"] is None or time.monotonic() - cache["loaded_at"] > _CACHE_SECONDS:
        ensure_key()
        row = (
            db.session.query(SigningKey)
            .filter(SigningKey.retired_at.is_(None))
            .order_by(SigningKey.created_at.desc())
            .first()
        )
        private = serialization.load_pem_private_key(row.private_pem.encode(), password=None)
        cache.update(key=(row.kid, private), loaded_at=time.monotonic())
    return cache["key"]


def published_keys():
    rows = db.session.query(SigningKey).filter(SigningKey.retired_at.is_(None)).all()
    return [json.loads(row.public_jwk) for row in rows]


def _live_keys_newest_first():
    return (
        db.session.query(SigningKey)
        .filter(SigningKey.retired_at.is_(None))
        .order_by(SigningKey.created_at.desc(), SigningKey.kid)
        .all()
    )


def _replaced_at(keys):
    """{kid: when the next newer key took over signing}; the newest (current) key is not in it."""
    return {older.kid: newer.created_at for newer, older in pairwise(keys)}


def _last_token_expired(replaced_at, token_lifetime, now):
    """A key may sign for another minute after its successor exists (each process caches the active key),
    and what it signed lives a token lifetime after that."""
    return now - replaced_at > timedelta(seconds=token_lifetime + _CACHE_SECONDS)


def retire_key(kid, token_lifetime, now=None):
    """Stop publishing key `kid`; refused for the current key and for one whose tokens may still be alive."""
    now = now or utcnow()
    keys = _live_keys_newest_first()
    replaced_at = _replaced_at(keys)
    if kid not in {key.kid for key in keys}:
        raise NotFound(f"There is no published signing key {kid}.")
    if kid not in replaced_at:
        raise Conflict(f"Key {kid} is the current signing key: rotate first, then retire it.")
    if not _last_token_expired(replaced_at[kid], token_lifetime, now):
        raise Conflict(f"Key {kid} signed tokens that may still be alive: retire it after they expire.")
    return _retire([key for key in keys if key.kid == kid], now)


def retire_expired_keys(token_lifetime, now=None):
    """Retire every key that is not the current one and whose tokens have all expired; returns their kids."""
    now = now or utcnow()
    keys = _live_keys_newest_first()
    replaced_at = _replaced_at(keys)
    return _retire(
        [
            key
            for key in keys
            if key.kid in replaced_at and _last_token_expired(replaced_at[key.kid], token_lifetime, now)
        ],
        now,
    )


def _retire(keys, now):
    for key in keys:
        key.retired_at = now
    db.session.commit()
    _active()["key"] = None
    return [key.kid for key in keys]


def verification_key(token):
    """auth_service checks its own tokens against its own table, without an HTTP call to itself."""
    kid = jwt.get_unverified_header(token).get("kid")
    row = db.session.get(SigningKey, kid) if isinstance(kid, str) else None
    if row is None or row.retired_at is not None:
        raise jwt.PyJWKClientError(f"unknown key id {kid!r}")
    return jwt.PyJWK(json.loads(row.public_jwk))
