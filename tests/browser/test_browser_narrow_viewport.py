"""A 375-px-wide phone screen shows every portal page without scrolling sideways."""

from datetime import date

import pytest

pytest.importorskip("playwright", reason="playwright is not installed: make setup")

from playwright.sync_api import expect  # noqa: E402

from tests.support.cards import CARD_CODE, VISA, in_groups  # noqa: E402
from tests.support.chromium_portal import account_menu, enter_card, login, logout  # noqa: E402

WIDTH = 375
PAGE_WIDTH = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.browser_context_args(viewport={"width": WIDTH, "height": 812}, is_mobile=True, has_touch=True),
]


def test_every_page_fits_a_375_px_screen(page, subscriber, screenshots):
    seen = {}

    def check(name):
        page.wait_for_load_state("load")
        page.screenshot(path=screenshots / f"{WIDTH}px-{name}.png", full_page=True)
        seen[name] = page.evaluate(PAGE_WIDTH)

    page.goto("/login")
    check("login")
    page.get_by_role("button", name="Login").click()
    check("login-errors")
    login(page, subscriber.account, subscriber.passcode)
    check("billing")
    number = subscriber.invoices[0]
    for name, path in (
        ("view-invoices", "/invoices?start=1990-01-01&end=2020-01-01&status=all"),
        ("open-invoices", "/invoices?status=open"),
        ("invoice-range-error", "/invoices?start=2020-01-01&end=1990-01-01"),
        ("charges", f"/invoices/{number}/charges"),
        ("payments", f"/invoices/{number}/payments"),
        ("email-invoice", f"/invoices/{number}/email"),
        ("manage-profiles", "/profiles"),
        ("not-found", "/invoices/no-such-invoice/charges"),
    ):
        page.goto(path)
        check(name)
    page.goto("/pay")
    page.get_by_label(f"Payment Amount for invoice {number}").fill("1000")
    page.get_by_role("button", name="Update").click()
    check("payment-amounts-error")
    page.get_by_label(f"Payment Amount for invoice {number}").fill("8.00")
    page.get_by_role("button", name="Update").click()
    check("payment-amounts")
    page.get_by_role("button", name="Continue").click()
    check("payment-method")
    page.get_by_role("link", name="Select Credit Card, one time credit card payment").click()
    page.get_by_role("button", name="Submit Payment").click()
    check("credit-card-errors")
    enter_card(page, in_groups(VISA), 12, date.today().year + 1, CARD_CODE)
    page.get_by_role("button", name="Submit Payment").click()
    expect(page.locator("#payment-amount")).to_have_text("$115.95")  # 8.00 + the other invoice's 107.95
    check("confirmation")
    account_menu(page, "Payment History")
    check("payment-history")
    logout(page)
    check("logged-out")

    too_wide = {name: width for name, width in seen.items() if width > WIDTH}
    assert not too_wide, f"pages wider than {WIDTH} px (scrollWidth): {too_wide}; see var/screenshots/{WIDTH}px-*.png"
