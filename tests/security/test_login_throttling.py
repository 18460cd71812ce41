"""Login throttling and https on a small stack of our own (gateway + auth_service), so that a tight limit and a
trusted proxy never affect the shared stack: LOGIN_RATE_LIMIT="5 per minute" per client address, the lockout
after 10 failures per account whatever the address, and HSTS when the (trusted) proxy says https."""

import pytest

from devtools.api_client import ApiClient
from tests.support.accounts import create_subscriber
from tests.support.databases import drop_databases
from tests.support.stacks import make_stack

# Documentation addresses (RFC 5737), only ever written into X-Forwarded-For: no traffic goes to them.
ADDRESSES = [f"203.0.113.{n}" for n in range(10, 40)]


@pytest.fixture(scope="module")
def throttled(tmp_path_factory):
    stack = make_stack(
        tmp_path_factory,
        "throttled",
        services=["gateway", "auth_service"],
        extra_env={"LOGIN_RATE_LIMIT": "5 per minute", "TRUSTED_PROXY_COUNT": "1", "LOGIN_LOCKOUT_THRESHOLD": "10"},
    )
    try:
        yield stack.prepare().start()
    finally:
        stack.stop()
        drop_databases(stack.created_databases)


def login(stack, address, username, password):
    return ApiClient(stack.url()).post(
        "/api/auth/login", {"username": username, "password": password}, headers={"X-Forwarded-For": address}
    )


def test_the_sixth_attempt_from_one_address_is_429_but_other_addresses_go_on(throttled):
    user = create_subscriber(throttled)
    address, elsewhere = ADDRESSES[0], ADDRESSES[1]
    for attempt in range(5):
        answer = login(throttled, address, user.account, "wrong")
        assert answer.status == 401, (attempt, answer.data)
    sixth = login(throttled, address, user.account, user.passcode)
    assert sixth.status == 429, sixth.data
    assert sixth.json_body["error"]["code"] == "too_many_requests"
    assert sixth.headers.get("Retry-After")
    # the limit is the address's, not the account's: five failures do not lock the account
    assert login(throttled, elsewhere, user.account, user.passcode).status == 200


def test_ten_failures_lock_the_account_from_every_address(throttled):
    user, bystander = create_subscriber(throttled), create_subscriber(throttled)
    for index in range(10):  # two per address, so the per-address limit never answers first
        answer = login(throttled, ADDRESSES[2 + index // 2], user.account, "wrong")
        assert answer.status == 401, (index, answer.data)
    fresh_address = ADDRESSES[20]
    locked = login(throttled, fresh_address, user.account, user.passcode)
    assert locked.status == 429, locked.data
    assert "locked" in locked.json_body["error"]["message"]
    assert login(throttled, ADDRESSES[21], user.account, user.passcode).status == 429
    # the lockout is the account's: another account logs in from the same fresh address
    assert login(throttled, fresh_address, bystander.account, bystander.passcode).status == 200


def test_hsts_is_sent_when_the_trusted_proxy_says_https(throttled):
    client = ApiClient(throttled.url())
    https = client.get("/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": ADDRESSES[25]})
    assert https.status == 200
    hsts = https.headers.get("Strict-Transport-Security", "")
    max_age = int(hsts.split("max-age=")[1].split(";")[0]) if "max-age=" in hsts else 0
    assert max_age >= 31536000, hsts  # a year or more
    plain = client.get("/login", headers={"X-Forwarded-For": ADDRESSES[26]})
    assert "Strict-Transport-Security" not in plain.headers
