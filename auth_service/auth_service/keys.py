"""Token signing keys (Ed25519) kept in auth_service's own database, rotation-ready by key id."""
import json
import time
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.exc import IntegrityError

from billpay_common.clock import utcnow

from .extensions import db
from .models import SigningKey

_CACHE_SECONDS = 60
_active = {"key": None, "loaded_at": 0.0}


def _new_key():
    private = Ed25519PrivateKey.generate()
    kid = uuid.uuid4().hex
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
    public_jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(private.public_key()))
    public_jwk.update(kid=kid, use="sig", alg="EdDSA")
    return SigningKey(kid=kid, private_pem=private_pem, public_jwk=json.dumps(public_jwk))


def rotate_key():
    """Add a new signing key; older ones stay published so tokens they signed still verify."""
    key = _new_key()
    db.session.add(key)
    db.session.commit()
    _active["key"] = None
    return key.kid


def ensure_key():
    if db.session.query(SigningKey.kid).filter(SigningKey.retired_at.is_(None)).first() is None:
        try:
            rotate_key()
        except IntegrityError:
            db.session.rollback()


def active_key():
    """(kid, private key) of the newest key, cached for a minute per process."""
    if _active["key"] is None or time.monotonic() - _active["loaded_at"] > _CACHE_SECONDS:
        ensure_key()
        row = (db.session.query(SigningKey).filter(SigningKey.retired_at.is_(None))
               .order_by(SigningKey.created_at.desc()).first())
        private = serialization.load_pem_private_key(row.private_pem.encode(), password=None)
        _active.update(key=(row.kid, private), loaded_at=time.monotonic())
    return _active["key"]


def published_keys():
    rows = db.session.query(SigningKey).filter(SigningKey.retired_at.is_(None)).all()
    return [json.loads(row.public_jwk) for row in rows]


def retire_key(kid):
    row = db.session.get(SigningKey, kid)
    if row is not None and row.retired_at is None:
        row.retired_at = utcnow()
        db.session.commit()
    _active["key"] = None


def verification_key(token):
    """auth_service checks its own tokens against its own table, without an HTTP call to itself."""
    kid = jwt.get_unverified_header(token).get("kid")
    row = db.session.get(SigningKey, kid) if isinstance(kid, str) else None
    if row is None or row.retired_at is not None:
        raise jwt.PyJWKClientError(f"unknown key id {kid!r}")
    return jwt.PyJWK(json.loads(row.public_jwk))
