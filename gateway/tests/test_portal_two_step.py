"""Two-Step Sign-In through the gateway and a real auth_service over HTTP: enrol on the portal's pages, then log in
with a code, on the pages and on the public API."""

import re
import time

import pyotp
import pytest

from auth_service import access
from devtools.testing import unique_account

PASSCODE = "gate-1234"


@pytest.fixture
def account(auth_service):
    auth_app, _ = auth_service
    number = unique_account()
    with auth_app.app_context():  # as the office's grant does (the ops endpoint has tests of its own)
        access.grant_access(number, "g@example.com", "Gale", "staff:tester", passcode=PASSCODE)
    return number


def _csrf(page):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)


def _post(client, path, form, page_path=None):
    token = _csrf(client.get(page_path or path))
    return client.post(path, data={**form, "csrf_token": token})


def _login(client, number):
    return _post(client, "/login", {"username": number, "password": PASSCODE})


def _code(secret, steps_ahead=0):
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def _enrol(client, number):
    assert _login(client, number).headers["Location"].endswith("/billing")
    started = _post(client, "/two-step/setup", {}, page_path="/two-step")
    assert started.status_code == 302 and started.headers["Location"].endswith("/two-step/confirm")
    setup = client.get("/two-step/confirm")
    text = setup.get_data(as_text=True)
    assert '<svg role="img" aria-label="QR code for your authenticator app"' in text
    assert "style=" not in text.split("<svg", 1)[1].split("</svg>", 1)[0]  # the strict CSP would hide it
    return re.search(r'<code id="totp-key">([A-Z2-7 ]+)</code>', text).group(1).replace(" ", "")


def test_enrol_on_the_portal_then_the_login_asks_for_the_code(gateway_to_auth, account):
    client = gateway_to_auth.test_client()
    secret = _enrol(client, account)
    wrong = _post(client, "/two-step/confirm", {"code": "12345x"})
    assert wrong.status_code == 422 and "That code is not correct." in wrong.get_data(as_text=True)
    done = _post(client, "/two-step/confirm", {"code": _code(secret)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-9-]{19})</code></li>", done.get_data(as_text=True))
    assert len(codes) == 10
    assert 'Recovery codes left: <strong id="recovery-codes-left">10</strong>' in client.get("/two-step").get_data(
        as_text=True
    )
    _post(client, "/logout", {}, page_path="/two-step")

    client.get("/login")
    anonymous_sid = client.get_cookie("billpay_session").value
    first = _login(client, account)
    assert first.status_code == 302 and first.headers["Location"].endswith("/login/code")
    assert client.get_cookie("billpay_session").value != anonymous_sid  # a fixed session id holds nothing
    assert client.get("/two-step").status_code == 302  # not signed in yet
    refused = _post(client, "/login/code", {"code": codes[0] + "x"})
    assert refused.status_code == 401 and "That code is not correct." in refused.get_data(as_text=True)
    signed_in = _post(client, "/login/code", {"code": _code(secret, 1)})
    assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith("/billing")
    assert client.get("/two-step").status_code == 200


def test_turn_off_with_the_passcode(gateway_to_auth, account):
    client = gateway_to_auth.test_client()
    secret = _enrol(client, account)
    _post(client, "/two-step/confirm", {"code": _code(secret)})
    neither = _post(client, "/two-step/turn-off", {}, page_path="/two-step")
    assert neither.status_code == 400 and "Enter your current passcode, or else a code." in neither.get_data(
        as_text=True
    )
    wrong = _post(client, "/two-step/turn-off", {"passcode": "nope"}, page_path="/two-step")
    assert wrong.status_code == 422 and "The passcode is not correct." in wrong.get_data(as_text=True)
    off = _post(client, "/two-step/turn-off", {"passcode": PASSCODE}, page_path="/two-step")
    assert off.status_code == 302
    assert "Two-step sign-in is off." in client.get("/two-step").get_data(as_text=True)


def test_the_public_api_login_takes_the_code_as_its_second_step(gateway_to_auth, account):
    client = gateway_to_auth.test_client()
    secret = _enrol(client, account)
    _post(client, "/two-step/confirm", {"code": _code(secret)})
    api = gateway_to_auth.test_client()
    first = api.post("/api/auth/login", json={"username": account, "password": PASSCODE})
    assert first.status_code == 202 and first.json["code_required"] is True
    second = api.post("/api/auth/login/code", json={"challenge": first.json["challenge"], "code": _code(secret, 1)})
    assert second.status_code == 200 and second.json["token_type"] == "Bearer"
    me = api.get("/api/auth/me", headers={"Authorization": f"Bearer {second.json['access_token']}"})
    assert me.status_code == 200 and me.json["account"] == account
