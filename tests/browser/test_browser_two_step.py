"""Two-Step Sign-In in Chromium: set it up from the Account menu (QR code, key, a code to confirm), keep the
recovery codes, then log in with the passcode and a code; each page checked by axe-core."""

import time

import pyotp
from playwright.sync_api import Page, expect

from tests.support.accessibility import assert_no_axe_violations
from tests.support.chromium_portal import account_menu, login, logout


def test_set_up_two_step_sign_in_then_log_in_with_a_code(page: Page, subscriber):
    login(page, subscriber.account, subscriber.passcode)
    account_menu(page, "Two-Step Sign-In")
    expect(page.get_by_role("heading", name="Two-Step Sign-In")).to_be_visible()
    expect(page.locator("#two-step-state")).to_contain_text("Two-step sign-in is off.")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Set Up Two-Step Sign-In").click()
    expect(page.get_by_role("heading", name="Set Up Two-Step Sign-In")).to_be_visible()
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] > 100  # drawn, not blocked by the CSP
    assert_no_axe_violations(page)
    totp = pyotp.TOTP(page.locator("#totp-key").inner_text().replace(" ", ""))
    page.get_by_label("Code from the app").fill("000000" if totp.now() != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not correct.")
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert_no_axe_violations(page)

    logout(page)
    page.get_by_label("Username").fill(subscriber.account)
    page.get_by_label("Password").fill(subscriber.passcode)
    page.get_by_role("button", name="Login").click()
    expect(page.get_by_label("Code")).to_be_visible()
    expect(page.get_by_text("Two-step sign-in is on for this account.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Code").fill(totp.at(time.time() + 30))  # this step's code was spent on the set-up
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Billing", exact=True)).to_be_visible()
