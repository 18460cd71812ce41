"""The portal's Login and Logout as a browser without JavaScript sees them (real HTTP, real cookies)."""

import re

from devtools.portal_browser import PortalBrowser


def test_login_shows_the_welcome_line_and_logout_ends_the_session(stack, demo_passcode):
    browser = PortalBrowser(stack.url())
    anonymous_sid = (browser.request("GET", "/login"), browser.cookies.get("billpay_session"))[1]
    response = browser.login("99939999", demo_passcode)
    assert response.status == 302 and response.headers["Location"].endswith("/billing")
    set_cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    assert browser.cookies["billpay_session"] != anonymous_sid  # a new session id at login
    billing = browser.request("GET", "/billing")
    assert billing.status == 200
    assert "Welcome Michael Jones - 99939999" in billing.text
    logout_token = re.search(r'name="csrf_token" value="([^"]+)"', billing.text).group(1)
    out = browser.request("POST", "/logout", {"csrf_token": logout_token})
    assert out.status == 302
    after = browser.request("GET", "/billing")
    assert after.status == 302 and "/login" in after.headers["Location"]


def test_wrong_passcode_shows_the_reason_on_the_login_page(stack):
    browser = PortalBrowser(stack.url())
    response = browser.login("99939999", "definitely-wrong")
    assert response.status == 401
    assert "The account number or passcode is not correct." in response.text
    assert "definitely-wrong" not in response.text


def test_a_stolen_pre_login_session_id_is_worthless_after_login(stack, demo_passcode):
    attacker = PortalBrowser(stack.url())
    attacker.request("GET", "/login")
    victim = PortalBrowser(stack.url())
    victim.cookies = dict(attacker.cookies)  # session fixation: the victim logs in with the attacker's id
    victim.login("99939999", demo_passcode)
    assert attacker.request("GET", "/billing").status == 302
