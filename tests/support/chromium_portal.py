"""Steps the Chromium tests take again and again on the portal through Playwright: log in, log out, use the
Account menu, read the visible words. (Without JavaScript, tests use devtools.portal_browser.PortalBrowser.)"""

import re

from playwright.sync_api import Page, expect


def login(page: Page, username, passcode):
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(passcode)
    page.get_by_role("button", name="Login").click()
    expect(page.get_by_role("heading", name="Billing", exact=True)).to_be_visible()


def logout(page: Page):
    page.get_by_role("button", name="Logout").click()
    expect(page.get_by_role("heading", name="Login")).to_be_visible()


def account_menu(page: Page, item):
    """Open the Account drop-down of the main menu and follow one of its links."""
    navigation = page.get_by_role("navigation", name="Main")
    navigation.get_by_text("Account", exact=True).click()
    navigation.get_by_role("link", name=item, exact=True).click()


def words(locator):
    """The visible text of a page or element, whitespace collapsed."""
    return re.sub(r"\s+", " ", locator.inner_text()).strip()
