"""Rotating and retiring token signing keys (flask --app auth_service rotate-signing-key / retire-signing-key[s])."""

import re
from datetime import timedelta

import jwt
import pytest

from auth_service.extensions import db
from auth_service.models import SigningKey
from billpay_common.errors import Unauthorized
from billpay_common.tokens import TokenVerifier
from devtools.testing import unique_account

ACTIVE_KEY_CACHE_SECONDS = 60


@pytest.fixture
def token(client, ops):
    """A fresh subscriber's token, signed by the current key."""
    account = unique_account()
    granted = client.post(
        "/ops/access",
        json={"account": account, "email": "k@example.com", "name": "Kay Eys", "passcode": "key-passcode"},
        headers=ops,
    )
    assert granted.status_code == 201, granted.json
    return client.post("/auth/login", json={"username": account, "password": "key-passcode"}).json["access_token"]


def kid_of(token):
    return jwt.get_unverified_header(token)["kid"]


def rotate(runner):
    result = runner.invoke(args=["rotate-signing-key"])
    assert result.exit_code == 0, result.output
    return re.search(r"New signing key (\w+)\.", result.output).group(1)


def pretend_rotated_ago(app, seconds):
    """Every key made `seconds` earlier than it was: as if the last rotation happened that long ago."""
    with app.app_context():
        for key in db.session.query(SigningKey):
            key.created_at -= timedelta(seconds=seconds)
        db.session.commit()


def published(client):
    return {key["kid"] for key in client.get("/auth/jwks").json["keys"]}


def verifier_reading_the_jwks_now(client):
    """What another service's TokenVerifier does when it fetches the JWKS: trust only the keys listed."""
    key_set = jwt.PyJWKSet.from_dict(client.get("/auth/jwks").json)

    def lookup(token):  # as PyJWKClient answers a key id the JWKS does not list
        try:
            return key_set[kid_of(token)]
        except KeyError as error:
            raise jwt.PyJWKClientError(f"no key {kid_of(token)} in the JWKS") from error

    return TokenVerifier("http://127.0.0.1:9/auth/jwks", "billpay-auth", "billpay", key_lookup=lookup)


def test_a_retired_key_leaves_the_jwks_and_its_tokens_are_refused(app, client, runner, token):
    old = kid_of(token)
    me = {"Authorization": f"Bearer {token}"}
    assert client.get("/auth/me", headers=me).status_code == 200
    new = rotate(runner)
    lifetime = app.config["ACCESS_TOKEN_TTL_SECONDS"]
    pretend_rotated_ago(app, lifetime + ACTIVE_KEY_CACHE_SECONDS + 1)  # the old key's tokens have expired
    assert verifier_reading_the_jwks_now(client).verify(token)["jti"]  # still trusted before retirement

    result = runner.invoke(args=["retire-signing-keys"])
    assert result.exit_code == 0 and f"Retired signing key {old}." in result.output
    assert old not in published(client) and new in published(client)
    refused = client.get("/auth/me", headers=me)
    assert refused.status_code == 401 and refused.json["error"]["code"] == "invalid_token"
    with pytest.raises(Unauthorized):
        verifier_reading_the_jwks_now(client).verify(token)


def test_keys_whose_tokens_may_still_be_alive_are_kept(app, client, runner, token):
    old = kid_of(token)
    new = rotate(runner)
    pretend_rotated_ago(app, app.config["ACCESS_TOKEN_TTL_SECONDS"])  # within the last token's life + a minute
    result = runner.invoke(args=["retire-signing-keys"])
    assert result.exit_code == 0 and old not in result.output
    refused = runner.invoke(args=["retire-signing-key", old])
    assert refused.exit_code != 0 and "may still be alive" in refused.output
    assert {old, new} <= published(client)
    assert client.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_the_current_key_and_unknown_keys_are_never_retired(client, runner, token):
    current = kid_of(token)
    refused = runner.invoke(args=["retire-signing-key", current])
    assert refused.exit_code != 0 and "is the current signing key" in refused.output
    assert current in published(client)
    unknown = runner.invoke(args=["retire-signing-key", "no-such-kid"])
    assert unknown.exit_code != 0 and "no published signing key" in unknown.output


def test_one_key_is_retired_by_its_id_once_its_tokens_expired(app, client, runner, token):
    old = kid_of(token)
    new = rotate(runner)
    pretend_rotated_ago(app, app.config["ACCESS_TOKEN_TTL_SECONDS"] + ACTIVE_KEY_CACHE_SECONDS + 1)
    result = runner.invoke(args=["retire-signing-key", old])
    assert result.exit_code == 0 and f"Retired signing key {old}." in result.output
    assert old not in published(client) and new in published(client)
