"""Change Passcode and Forgot passcode? in Chromium, each page checked by axe-core."""

from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.support.accessibility import assert_no_axe_violations
from tests.support.chromium_portal import account_menu, login, logout
from tests.support.mail import plain_text, wait_for_mail


def test_change_passcode_from_the_account_menu(page: Page, subscriber):
    login(page, subscriber.account, subscriber.passcode)
    account_menu(page, "Change Passcode")
    expect(page.get_by_role("heading", name="Change Passcode")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Current passcode").fill("not-it")
    page.get_by_label("New passcode", exact=True).fill("chromium-2")
    page.get_by_label("New passcode again").fill("chromium-2")
    page.get_by_role("button", name="Change Passcode").click()
    expect(page.get_by_role("alert")).to_contain_text("current passcode is not correct")
    assert_no_axe_violations(page)
    page.get_by_label("Current passcode").fill(subscriber.passcode)
    page.get_by_label("New passcode", exact=True).fill("chromium-2")
    page.get_by_label("New passcode again").fill("chromium-2")
    page.get_by_role("button", name="Change Passcode").click()
    expect(page.get_by_role("status")).to_contain_text("Your passcode is changed")
    logout(page)
    login(page, subscriber.account, "chromium-2")


def test_forgot_passcode_link_sets_a_new_one(page: Page, stack, subscriber):
    page.goto("/login")
    page.get_by_role("link", name="Forgot passcode?").click()
    expect(page.get_by_role("heading", name="Forgot passcode")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Account number").fill(subscriber.account)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    assert_no_axe_violations(page)
    message = wait_for_mail(stack.mail_dir, lambda m: m["To"] == subscriber.email and "Set a new" in str(m["Subject"]))
    link = next(word for word in plain_text(message).split() if "/set-passcode?token=" in word)
    page.goto(f"/set-passcode?{urlsplit(link).query}")
    assert_no_axe_violations(page)
    page.get_by_label("New passcode", exact=True).fill("from-mail-1")
    page.get_by_label("New passcode again").fill("from-mail-1")
    page.get_by_role("button", name="Set Passcode").click()
    expect(page.get_by_role("status")).to_contain_text("Your new passcode is set")
    login(page, subscriber.account, "from-mail-1")
