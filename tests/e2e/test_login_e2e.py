"""Login through the gateway against the real processes."""

import time
import uuid

import jwt
import pytest

from devtools.api_client import ApiClient
from devtools.testing import unique_account
from tests.support.accounts import grant_access


def login(gateway, username, password):
    return gateway.post("/api/auth/login", {"username": username, "password": password})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def subscriber(stack):
    account = unique_account()
    grant_access(stack, account, "e2e-passcode", "Erin Tester", "e2e@example.com")
    return account


def test_demo_account_logs_in_through_the_gateway(gateway, demo_passcode):
    response = login(gateway, "9993-9999", demo_passcode)
    assert response.status == 200
    assert response.json_body["token_type"] == "Bearer"
    assert response.json_body["expires_in"] == 900


def test_wrong_pair_and_unknown_account_answer_alike(gateway, subscriber):
    wrong, unknown = login(gateway, subscriber, "nope"), login(gateway, unique_account(), "nope")
    assert wrong.status == unknown.status == 401
    assert wrong.json_body == unknown.json_body


def test_lockout_after_ten_failures(gateway, stack):
    account = unique_account()
    grant_access(stack, account, "right-one", "L", "l@example.com")
    for _ in range(10):
        assert login(gateway, account, "wrong").status == 401
    locked = login(gateway, account, "right-one")
    assert locked.status == 429
    assert "locked" in locked.json_body["error"]["message"]


def test_logout_revokes_the_token_everywhere(gateway, stack, subscriber):
    token = login(gateway, subscriber, "e2e-passcode").json_body["access_token"]
    assert gateway.post("/api/auth/logout", headers=bearer(token)).status == 204
    assert gateway.post("/api/auth/refresh", headers=bearer(token)).status == 401


def _forged_tokens(valid, account):
    claims = jwt.decode(valid, options={"verify_signature": False})
    kid = jwt.get_unverified_header(valid)["kid"]
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    header, payload, signature = valid.split(".")
    tampered_claims = dict(claims, sub="1" + account)
    tampered_payload = jwt.utils.base64url_encode(jwt.api_jws.json.dumps(tampered_claims).encode()).decode()
    return {
        "wrong_key": jwt.encode(claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": kid}),
        "alg_none": jwt.encode(claims, None, algorithm="none"),
        "tampered": f"{header}.{tampered_payload}.{signature}",
        "expired_lookalike": jwt.encode(
            dict(claims, exp=int(time.time()) - 60),
            Ed25519PrivateKey.generate(),
            algorithm="EdDSA",
            headers={"kid": kid},
        ),
        "unknown_kid": jwt.encode(
            claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": uuid.uuid4().hex}
        ),
    }


SUBSCRIBER_PATHS = {"auth_service": "/auth/me", "invoice_service": "/account", "payment_service": "/payments"}


@pytest.mark.parametrize("service", sorted(SUBSCRIBER_PATHS))
def test_every_service_refuses_forged_tokens(stack, gateway, subscriber, service):
    if not stack.has(service):
        pytest.skip(f"{service} is not part of this stack (E2E_SERVICES)")
    valid = login(gateway, subscriber, "e2e-passcode").json_body["access_token"]
    client = ApiClient(stack.url(service))
    for name, token in _forged_tokens(valid, subscriber).items():
        response = client.get(SUBSCRIBER_PATHS[service], headers=bearer(token))
        assert response.status == 401, (service, name, response.data)
        assert response.json_body["error"]["code"] in {"invalid_token", "token_expired"}, name
    assert client.get(SUBSCRIBER_PATHS[service]).status == 401


@pytest.mark.parametrize("service", sorted(SUBSCRIBER_PATHS))
def test_every_service_refuses_a_revoked_token(stack, gateway, subscriber, service):
    if not stack.has(service):
        pytest.skip(f"{service} is not part of this stack (E2E_SERVICES)")
    token = login(gateway, subscriber, "e2e-passcode").json_body["access_token"]
    client = ApiClient(stack.url(service))
    assert client.get(SUBSCRIBER_PATHS[service], headers=bearer(token)).status != 401
    assert gateway.post("/api/auth/logout", headers=bearer(token)).status == 204
    revoked = client.get(SUBSCRIBER_PATHS[service], headers=bearer(token))
    assert revoked.status == 401 and revoked.json_body["error"]["code"] == "token_revoked"
