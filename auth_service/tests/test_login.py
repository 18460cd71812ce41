import time

import jwt
import pytest

from devtools.testing import unique_account


@pytest.fixture
def account(client, ops):
    number = unique_account()
    response = client.post(
        "/ops/access",
        json={"account": number, "email": "c@example.com", "name": "Pat Doe", "passcode": "open-sesame"},
        headers=ops,
    )
    assert response.status_code == 201
    return number


def login(client, username, password):
    return client.post("/auth/login", json={"username": username, "password": password})


def test_login_gives_a_short_lived_signed_token(client, account):
    response = login(client, account, "open-sesame")
    assert response.status_code == 200
    body = response.json
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    header = jwt.get_unverified_header(body["access_token"])
    assert header["alg"] == "EdDSA" and header["kid"]
    keys = client.get("/auth/jwks").json["keys"]
    key = jwt.PyJWK(next(k for k in keys if k["kid"] == header["kid"]))
    claims = jwt.decode(body["access_token"], key.key, algorithms=["EdDSA"], audience="billpay")
    assert claims["sub"] == account and claims["name"] == "Pat Doe"
    assert claims["exp"] - claims["iat"] == 900


def test_account_number_may_be_typed_with_dashes(client, account):
    assert login(client, f"{account[:4]}-{account[4:]}", "open-sesame").status_code == 200


def test_wrong_passcode_and_unknown_account_get_the_same_answer(client, account):
    wrong = login(client, account, "nope")
    unknown = login(client, unique_account(), "nope")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json


def test_ten_failures_lock_the_account_even_for_the_right_passcode(client, account, ops):
    for _ in range(10):
        assert login(client, account, "nope").status_code == 401
    locked = login(client, account, "open-sesame")
    assert locked.status_code == 429
    assert "Try again in 30 minutes" in locked.json["error"]["message"]
    assert client.post(f"/ops/access/{account}/unlock", headers=ops).status_code == 200
    assert login(client, account, "open-sesame").status_code == 200


def test_an_unknown_account_number_locks_after_ten_failures_like_a_real_one(client, account):
    stranger = unique_account()
    for _ in range(10):
        assert login(client, account, "nope").status_code == login(client, stranger, "nope").status_code == 401
    real, unknown = login(client, account, "nope"), login(client, stranger, "nope")
    assert real.status_code == unknown.status_code == 429
    assert real.json == unknown.json
    assert real.headers.get("Retry-After") == unknown.headers.get("Retry-After")


def test_success_resets_the_failure_count(client, account):
    for _ in range(9):
        login(client, account, "nope")
    assert login(client, account, "open-sesame").status_code == 200
    for _ in range(9):
        login(client, account, "nope")
    assert login(client, account, "open-sesame").status_code == 200


def test_every_attempt_is_logged_without_the_passcode(client, account, ops):
    login(client, account, "not-this-one")
    login(client, account, "open-sesame")
    attempts = client.get(f"/ops/login-attempts?account={account}", headers=ops).json
    assert [a["outcome"] for a in attempts[:2]] == ["success", "wrong_passcode"]
    assert "not-this-one" not in str(attempts)


def test_logout_revokes_the_token(client, account):
    token = login(client, account, "open-sesame").json["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/auth/me", headers=bearer).json["account"] == account
    assert client.post("/auth/logout", headers=bearer).status_code == 204
    again = client.get("/auth/me", headers=bearer)
    assert again.status_code == 401 and again.json["error"]["code"] == "token_revoked"


def test_refresh_swaps_the_token(client, account):
    old = login(client, account, "open-sesame").json["access_token"]
    new = client.post("/auth/refresh", headers={"Authorization": f"Bearer {old}"}).json["access_token"]
    assert client.get("/auth/me", headers={"Authorization": f"Bearer {new}"}).status_code == 200
    assert client.get("/auth/me", headers={"Authorization": f"Bearer {old}"}).status_code == 401


@pytest.mark.parametrize("mangle", ["alg_none", "tampered", "foreign_key", "expired", "garbage"])
def test_bad_tokens_are_refused(client, account, mangle):
    token = login(client, account, "open-sesame").json["access_token"]
    header, payload, signature = token.split(".")
    if mangle == "alg_none":
        token = jwt.encode({"sub": account}, None, algorithm="none")
    elif mangle == "tampered":
        other = jwt.utils.base64url_encode(
            jwt.utils.base64url_decode(payload).replace(account.encode(), b"1234567890")
        ).decode()
        token = f"{header}.{other}.{signature}"
    elif mangle == "foreign_key":
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        claims = jwt.decode(token, options={"verify_signature": False})
        token = jwt.encode(
            claims,
            Ed25519PrivateKey.generate(),
            algorithm="EdDSA",
            headers={"kid": jwt.get_unverified_header(token)["kid"]},
        )
    elif mangle == "expired":
        from auth_service import keys

        kid, private = keys.active_key() if False else (None, None)
        claims = jwt.decode(token, options={"verify_signature": False})
        claims.update(iat=int(time.time()) - 2000, exp=int(time.time()) - 1000)
        with client.application.app_context():
            kid, private = keys.active_key()
        token = jwt.encode(claims, private, algorithm="EdDSA", headers={"kid": kid})
    else:
        token = "not-a-token"
    response = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json["error"]["code"] in {"invalid_token", "token_expired"}


def test_missing_token_is_401(client):
    assert client.get("/auth/me").status_code == 401


@pytest.mark.parametrize("body", [{}, {"username": "1"}, {"username": 5, "password": "x"}, [], "text"])
def test_malformed_login_bodies_are_422(client, body):
    response = client.post("/auth/login", json=body)
    assert response.status_code == 422
    assert response.json["error"]["message"]


def test_body_that_is_not_json_is_400(client):
    response = client.post("/auth/login", data="{oops", content_type="application/json")
    assert response.status_code == 400 and "JSON" in response.json["error"]["message"]
