"""billpay_common.tokens.TokenVerifier: a token's signature is checked once per process, but its expiry, its
audience and its revocation (in a real Redis) on every request."""

import time
import uuid

import jwt
import pytest
import redis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from billpay_common.errors import Unauthorized
from billpay_common.tokens import TokenVerifier

ISSUER = "billpay-auth"


@pytest.fixture
def signing_key():
    return Ed25519PrivateKey.generate()


@pytest.fixture
def verifier(signing_key, redis_url):
    public = jwt.PyJWK(jwt.algorithms.OKPAlgorithm.to_jwk(signing_key.public_key(), as_dict=True), algorithm="EdDSA")
    prefix = f"tokens-test-{uuid.uuid4().hex[:8]}:"
    client = redis.Redis.from_url(redis_url)
    yield TokenVerifier("http://127.0.0.1:9/auth/jwks", ISSUER, "billpay", client, prefix, lambda _: public)
    client.close()


def token(signing_key, lifetime=900, audience="billpay"):
    now = int(time.time())
    claims = {"sub": "12345678", "iat": now, "exp": now + lifetime, "jti": uuid.uuid4().hex}
    return jwt.encode({**claims, "iss": ISSUER, "aud": audience}, signing_key, algorithm="EdDSA")


def refused_code(verifier, value, audience=None):
    with pytest.raises(Unauthorized) as refused:
        verifier.verify(value, audience)
    return refused.value.code


def test_a_token_checked_before_is_refused_once_it_expires(verifier, signing_key):
    short = token(signing_key, lifetime=1)
    assert verifier.verify(short)["sub"] == "12345678"
    while time.time() <= jwt.decode(short, options={"verify_signature": False})["exp"]:
        time.sleep(0.05)
    assert refused_code(verifier, short) == "token_expired"


def test_a_token_checked_before_is_refused_once_revoked(verifier, signing_key):
    value = token(signing_key)
    claims = verifier.verify(value)
    verifier.revoke(claims)
    assert refused_code(verifier, value) == "token_revoked"


def test_a_token_checked_for_subscribers_does_not_pass_for_staff(verifier, signing_key):
    value = token(signing_key)
    verifier.verify(value)
    assert refused_code(verifier, value, audience="billpay-staff") == "invalid_token"


def test_a_token_changed_by_one_character_is_checked_afresh_and_refused(verifier, signing_key):
    value = token(signing_key)
    verifier.verify(value)
    header, payload, signature = value.split(".")
    tampered = f"{header}.{payload}.{signature[:-2]}{'A' if signature[-2] != 'A' else 'B'}{signature[-1]}"
    assert refused_code(verifier, tampered) == "invalid_token"
