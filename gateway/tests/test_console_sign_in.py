"""The console signs staff in at a real auth_service (password and TOTP), keeps the token server-side, and keeps a
viewer from every clerk page and action."""

import re
import uuid

import pyotp
import pytest
from test_console_listener import CONSOLE_PORT, ON_CONSOLE

from auth_service import staff


def csrf_token(page):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)


@pytest.fixture(scope="module")
def console(make_gateway, auth_service):
    return make_gateway(AUTH_SERVICE_URL=auth_service[1], CONSOLE_PORT=CONSOLE_PORT).test_client


@pytest.fixture
def member(auth_service):
    """member(*roles) -> (username, password, totp secret) of a new staff member of the real auth_service."""

    def make(*roles):
        with auth_service[0].app_context():
            made, password = staff.create_staff(f"desk-{uuid.uuid4().hex[:8]}", roles, "tests")
            return made.username, password, made.totp_secret

    return make


def _sign_in(client, username, password, code):
    token = csrf_token(client.get("/console/sign-in", **ON_CONSOLE))
    form = {"csrf_token": token, "username": username, "password": password, "code": code}
    return client.post("/console/sign-in", data=form, **ON_CONSOLE)


def test_the_right_password_and_code_sign_in_and_the_token_never_reaches_the_browser(console, member):
    client = console()
    username, password, secret = member("viewer")
    wrong = _sign_in(client, username, password, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    assert wrong.status_code == 401 and b"username, password or code is not correct" in wrong.data
    signed_in = _sign_in(client, username, password, pyotp.TOTP(secret).now())
    assert signed_in.status_code == 302
    home = client.get("/console/", **ON_CONSOLE)
    assert f"Signed in as {username} (viewer)".encode() in home.data
    assert b"eyJ" not in home.data and all(b"eyJ" not in v.encode() for _, v in home.headers.items())


def test_a_viewer_gets_403_on_clerk_pages_and_actions(console, member):
    client = console()
    username, password, secret = member("viewer")
    assert _sign_in(client, username, password, pyotp.TOTP(secret).now()).status_code == 302
    page = client.get("/console/import", **ON_CONSOLE)
    assert page.status_code == 403 and b"needs the clerk role" in page.data
    token = csrf_token(page)
    for path in ("/console/accounts/12345/revoke", "/console/accounts/grant", "/console/deliveries/retry-dead"):
        refused = client.post(path, data={"csrf_token": token, "account": "12345"}, **ON_CONSOLE)
        assert refused.status_code == 403, path
    refund = client.post("/console/payments/p1/refund", data={"csrf_token": token}, **ON_CONSOLE)
    assert refund.status_code == 403 and b"needs the supervisor role" in refund.data


def test_signing_out_ends_the_console_session(console, member):
    client = console()
    username, password, secret = member("clerk")
    assert _sign_in(client, username, password, pyotp.TOTP(secret).now()).status_code == 302
    token = csrf_token(client.get("/console/", **ON_CONSOLE))
    assert client.post("/console/sign-out", data={"csrf_token": token}, **ON_CONSOLE).status_code == 302
    assert client.get("/console/accounts", **ON_CONSOLE).headers["Location"].endswith("/console/sign-in")
