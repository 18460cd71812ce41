"""AutoPay in Chromium: set it up from a saved card, let the day come, see the invoice paid and the receipt."""

from datetime import date, timedelta

import pytest

pytest.importorskip("playwright", reason="playwright is not installed: make setup")

from playwright.sync_api import expect  # noqa: E402

from devtools.api_client import ApiClient  # noqa: E402
from tests.support import cards  # noqa: E402
from tests.support.accounts import NewInvoice, create_subscriber  # noqa: E402
from tests.support.chromium_portal import account_menu, login, words  # noqa: E402
from tests.support.mail import plain_text, wait_for_mail  # noqa: E402

pytestmark = pytest.mark.browser


def _save_card(subscriber):
    """A saved card made through payment_service, as Manage Profiles does (card entry is not this test's subject)."""
    payments = ApiClient(subscriber.stack.url("payment_service"), subscriber.bearer())
    saved = payments.post(
        "/payment-profiles", {"payment_method": cards.token(subscriber.stack.url("sandbox_processor"))}
    )
    assert saved.status == 201, saved.data


def test_autopay_set_up_in_the_portal_pays_the_invoice_on_its_due_date(page, stack, screenshots):
    due = date.today() + timedelta(days=5)
    subscriber = create_subscriber(
        stack, (NewInvoice("64.00", date.today().isoformat(), due.isoformat()),), billing_name="Auto, Ava"
    )
    _save_card(subscriber)
    login(page, subscriber.account, subscriber.passcode)
    page.get_by_role("button", name="E-mail me each new invoice").click()
    expect(page.locator("#paperless-status")).to_contain_text(
        f"Paperless billing: On, each new invoice is e-mailed to {subscriber.email}"
    )
    expect(page.locator("#autopay-status")).to_contain_text("AutoPay: Off")
    page.get_by_role("link", name="Set up AutoPay").click()

    expect(page.get_by_role("heading", name="Set up AutoPay")).to_be_visible()
    expect(page.get_by_label("Visa ending 4242", exact=False)).to_be_checked()
    expect(page.locator("#autopay-terms")).to_contain_text("on its due date")
    page.get_by_role("button", name="Confirm AutoPay").click()
    expect(page.locator("#agree-error")).to_be_visible()  # nothing is set up without the tick
    page.get_by_label("I agree").check()
    page.screenshot(path=screenshots / "autopay-set-up.png", full_page=True)
    page.get_by_role("button", name="Confirm AutoPay").click()

    expect(page.get_by_role("heading", name="Billing", exact=True)).to_be_visible()
    expect(page.locator("#autopay-status")).to_contain_text("AutoPay: On, from Visa ending 4242")
    confirmation = wait_for_mail(
        stack.mail_dir, lambda m: m["To"] == subscriber.email and "AutoPay is on" in m["Subject"]
    )
    assert "Visa card ending in 4242" in plain_text(confirmation)

    stack.flask("payment_service", "autopay", "run", "--date", (due - timedelta(days=1)).isoformat())
    page.reload()
    expect(page.locator("#outstanding-balance")).to_have_text("$64.00")
    stack.flask("payment_service", "autopay", "run", "--date", due.isoformat())
    page.reload()
    expect(page.locator("#outstanding-balance")).to_have_text("$0.00")
    expect(page.locator("#last-payment")).to_contain_text("$64.00")
    page.screenshot(path=screenshots / "autopay-paid.png", full_page=True)

    receipt = wait_for_mail(stack.mail_dir, lambda m: m["To"] == subscriber.email and "receipt" in m["Subject"])
    body = plain_text(receipt)
    assert "Total: $64.00" in body and "Visa ending in 4242" in body
    account_menu(page, "Payment History")
    assert "64.00 Succeeded Visa 4242" in words(page.locator("main"))
