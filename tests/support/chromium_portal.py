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


def card_field(page: Page, box_id, label):
    """One of the processor's card fields: an input inside its iframe (the processor's origin) in the box."""
    return page.frame_locator(f"#{box_id} iframe").get_by_label(label)


def enter_card(page: Page, number, exp_month, exp_year, cvc):
    """Type a card into the processor's own fields, as a person does (Card Number, Expiration Date, Card Code)."""
    card_field(page, "card_number", "Card Number").fill(number)
    card_field(page, "card_expiry", "Expiration Date (MM / YY)").fill(f"{exp_month:02d} / {exp_year % 100:02d}")
    card_field(page, "card_code", "Card Code").fill(cvc)
