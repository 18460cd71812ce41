"""Bad subscriber tokens are 401 on every service and through the gateway: missing, expired, forged (wrong key),
tampered, alg:none, and the usual confusions (HS256 keyed with the public key, wrong audience or issuer)."""

import base64
import hashlib
import hmac
import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine, text

from devtools.api_client import ApiClient

SUBSCRIBER_PATHS = {
    "gateway": "/api/account",
    "auth_service": "/auth/me",
    "invoice_service": "/account",
    "payment_service": "/payments",
}
TOKEN_CODES = {"invalid_token", "token_expired", "missing_token"}


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _auth_signing_key(stack):
    """auth_service's own active signing key, read from its database: the only way to make a correctly signed but
    expired (or wrong-audience) token without waiting out the 15-minute lifetime."""
    url = stack.env.get("AUTH_SERVICE_DATABASE_URL") or f"sqlite:///{stack.var_dir / 'auth_service.db'}"
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            kid, pem = connection.execute(
                text("SELECT kid, private_pem FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC")
            ).first()
    finally:
        engine.dispose()
    return kid, serialization.load_pem_private_key(pem.encode(), password=None)


@pytest.fixture(scope="module")
def bad_tokens(stack, attacker):
    valid = attacker.token()
    claims = jwt.decode(valid, options={"verify_signature": False})
    kid, real_key = _auth_signing_key(stack)
    now = int(time.time())
    header, payload, signature = valid.split(".")
    public_pem = real_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    def signed(changes, key=real_key, algorithm="EdDSA", headers=None):
        return jwt.encode(
            {**claims, "jti": uuid.uuid4().hex, **changes},
            key,
            algorithm=algorithm,
            headers={"kid": kid, **(headers or {})},
        )

    hs256_header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    hs256_body = _b64(json.dumps(claims).encode())
    hs256_signature = _b64(hmac.new(public_pem, f"{hs256_header}.{hs256_body}".encode(), hashlib.sha256).digest())
    return {
        "expired": signed({"iat": now - 3600, "exp": now - 60}),
        "forged_wrong_key": signed({}, key=Ed25519PrivateKey.generate()),
        "forged_unknown_kid": signed({}, key=Ed25519PrivateKey.generate(), headers={"kid": uuid.uuid4().hex}),
        "tampered_subject": f"{header}.{_b64(json.dumps(dict(claims, sub='99939999')).encode())}.{signature}",
        "tampered_expiry": f"{header}.{_b64(json.dumps(dict(claims, exp=now + 86400 * 365)).encode())}.{signature}",
        "alg_none": f"{_b64(json.dumps({'alg': 'none', 'typ': 'JWT', 'kid': kid}).encode())}.{payload}.",
        "alg_none_lowercase_signed_payload": jwt.encode(claims, None, algorithm="none", headers={"kid": kid}),
        "hs256_with_public_key": f"{hs256_header}.{hs256_body}.{hs256_signature}",
        "wrong_audience": signed({"aud": "someone-else"}),
        "wrong_issuer": signed({"iss": "not-billpay"}),
        "no_expiry": jwt.encode(
            {k: v for k, v in claims.items() if k != "exp"}, real_key, algorithm="EdDSA", headers={"kid": kid}
        ),
        "garbage": "not.a.token",
        "empty_signature": f"{header}.{payload}.",
    }


@pytest.mark.parametrize("service", sorted(SUBSCRIBER_PATHS))
def test_every_bad_token_is_401_everywhere(stack, attacker, bad_tokens, service):
    if not stack.has(service):
        pytest.skip(f"{service} is not part of this stack (E2E_SERVICES)")
    client = ApiClient(stack.url(service))
    path = SUBSCRIBER_PATHS[service]
    assert client.get(path, headers=attacker.bearer()).status == 200  # the probe can tell a good token
    for name, token in bad_tokens.items():
        response = client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert response.status == 401, (service, name, response.status, response.data)
        assert response.json_body["error"]["code"] in TOKEN_CODES, (service, name, response.data)
    expired = client.get(path, headers={"Authorization": f"Bearer {bad_tokens['expired']}"})
    assert expired.json_body["error"]["code"] == "token_expired"


@pytest.mark.parametrize("service", sorted(SUBSCRIBER_PATHS))
@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc"])
def test_a_missing_token_is_401_everywhere(stack, service, authorization):
    if not stack.has(service):
        pytest.skip(f"{service} is not part of this stack (E2E_SERVICES)")
    headers = {} if authorization is None else {"Authorization": authorization}
    response = ApiClient(stack.url(service)).get(SUBSCRIBER_PATHS[service], headers=headers)
    assert response.status == 401, (service, authorization, response.data)
    assert response.json_body["error"]["code"] in TOKEN_CODES


def test_notification_service_takes_no_subscriber_token(stack, attacker):
    if not stack.has("notification_service"):
        pytest.skip("notification_service is not part of this stack (E2E_SERVICES)")
    # Its endpoints are the office's: a subscriber's token is not a staff token (another audience).
    response = ApiClient(stack.url("notification_service")).get("/ops/deliveries", headers=attacker.bearer())
    assert response.status == 401 and response.json_body["error"]["code"] == "invalid_token"
