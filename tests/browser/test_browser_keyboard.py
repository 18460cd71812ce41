"""Keyboard only: Tab reaches every link, button and field of the login, billing and payment pages, and Enter
moves from one page to the next (the Account menu opens from the keyboard too)."""

import pytest

pytest.importorskip("playwright", reason="playwright is not installed: make setup")

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea, summary"
MARK_CONTROLS = """selector => document.querySelectorAll(selector).forEach((element, index) => {
  element.dataset.kb = `${element.tagName.toLowerCase()}#${element.id || element.name || ''}` +
    `:${(element.getAttribute('aria-label') || element.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50)}` +
    `@${index}`;
})"""
VISIBLE_CONTROLS = """selector => [...document.querySelectorAll(selector)]
  .filter(element => !element.disabled && element.getClientRects().length > 0
          && getComputedStyle(element).visibility !== 'hidden')
  .map(element => element.dataset.kb)"""
FOCUSED = "() => document.activeElement && document.activeElement.dataset.kb || null"
OPEN_CLOSED_MENU = """() => { const element = document.activeElement;
  return element.tagName === 'SUMMARY' && !element.parentElement.open; }"""


def tab_through(page, limit=150):
    """Press Tab until focus comes back round; open a closed drop-down with Enter on the way, as a person would.
    Returns (controls reached, controls on the page)."""
    page.evaluate(MARK_CONTROLS, CONTROLS)
    page.locator("body").focus()
    reached, first = [], None
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is not None and focused == first and len(set(reached)) > 1:
            break
        if focused is not None:
            first = first or focused
            reached.append(focused)
        if page.evaluate(OPEN_CLOSED_MENU):
            page.keyboard.press("Enter")
    return set(reached), set(page.evaluate(VISIBLE_CONTROLS, CONTROLS))


def assert_every_control_reached(page):
    reached, controls = tab_through(page)
    assert controls, "no controls found on the page"
    assert controls <= reached, f"not reachable with Tab on {page.url}: {sorted(controls - reached)}"


def focus_by_tab(page, locator, limit=60):
    """Tab until `locator` has focus (keyboard only), failing if it never does."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
        if page.evaluate(OPEN_CLOSED_MENU):
            page.keyboard.press("Enter")
    raise AssertionError(f"Tab never reached {locator}")


def test_tab_reaches_every_control_of_login_billing_and_payment_pages(page, subscriber):
    page.goto("/login")
    assert_every_control_reached(page)
    focus_by_tab(page, page.get_by_label("Username"))
    page.keyboard.type(subscriber.account)
    page.keyboard.press("Tab")
    page.keyboard.type(subscriber.passcode)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Billing", exact=True)).to_be_visible()
    assert_every_control_reached(page)
    focus_by_tab(page, page.get_by_role("region", name="Payment Status").get_by_role("link", name="Make A Payment"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Enter Payment Amounts")).to_be_visible()
    assert_every_control_reached(page)
    focus_by_tab(page, page.get_by_label(f"Pay invoice {subscriber.invoices[1]}"))
    page.keyboard.press("Space")
    expect(page.get_by_label(f"Pay invoice {subscriber.invoices[1]}")).not_to_be_checked()
    focus_by_tab(page, page.get_by_role("button", name="Update"))
    page.keyboard.press("Enter")
    expect(page.locator("#payment-total")).to_have_text("$108.00")
    focus_by_tab(page, page.get_by_role("button", name="Continue"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Select Payment Method")).to_be_visible()
    assert_every_control_reached(page)
    focus_by_tab(page, page.get_by_role("link", name="Select Credit Card, one time credit card payment"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Pay With Credit Card")).to_be_visible()
    assert_every_control_reached(page)
