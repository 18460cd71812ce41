"""A bank account in Chromium, end to end: added in Manage Profiles through the sandbox processor's own
bank-account fields (a bad routing number is refused beside its field first), AutoPay set up from it under the
NACHA debit authorization, the due date's run leaves the payment pending with the amount held, then the sandbox's
clock passes settlement, its events are applied, and the invoice is paid with the receipt in the mailbox. Every
request is recorded: the account number goes to the processor's origin only. The new pages are axe-clean."""

from datetime import date, timedelta

import pytest

pytest.importorskip("playwright", reason="playwright is not installed: make setup")

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import expect  # noqa: E402
from test_browser_card_fields import origin, record_requests  # noqa: E402

from tests.support.accounts import NewInvoice, create_subscriber  # noqa: E402
from tests.support.chromium_portal import account_menu, login, words  # noqa: E402
from tests.support.mail import plain_text, wait_for_mail  # noqa: E402
from tests.support.sandbox import move_clock  # noqa: E402

pytestmark = pytest.mark.browser
ACCOUNT_NUMBER = "000123456789"
BAD_ROUTING = "110000001"


def no_axe_violations(page):
    violations = Axe().run(page).response["violations"]
    assert violations == [], [(item["id"], item["help"]) for item in violations]


def bank_fields(page):
    return page.frame_locator("#bank_account iframe")


def add_bank_account(page, routing):
    fields = bank_fields(page)
    fields.get_by_label("Routing number").fill(routing)
    fields.get_by_label("Account number").fill(ACCOUNT_NUMBER)
    fields.get_by_label("Checking").check()
    fields.get_by_label("Name on the account").fill("Ava Auto")
    page.get_by_role("button", name="Save bank account").click()


def test_autopay_from_a_bank_account_added_in_the_portal_is_pending_then_paid(page, stack, screenshots):
    processor, bill_pay = stack.url("sandbox_processor"), {stack.url(name) for name in stack.services}
    due = date.today() + timedelta(days=5)
    subscriber = create_subscriber(
        stack, (NewInvoice("64.00", date.today().isoformat(), due.isoformat()),), billing_name="Bank, Bea"
    )
    recorded = record_requests(page)
    login(page, subscriber.account, subscriber.passcode)
    account_menu(page, "Manage Profiles")
    expect(page.get_by_role("heading", name="Add a bank account")).to_be_visible()
    expect(bank_fields(page).get_by_label("Routing number")).to_be_visible()
    no_axe_violations(page)

    add_bank_account(page, BAD_ROUTING)
    expect(bank_fields(page).locator("#routing_number-error")).to_contain_text("This routing number is not valid")
    expect(page.locator("#bank_account-error")).to_contain_text("This routing number is not valid")
    page.screenshot(path=screenshots / "bank-account-routing-error.png", full_page=True)
    bank_fields(page).get_by_label("Routing number").fill("110000000")
    page.get_by_role("button", name="Save bank account").click()
    expect(page.get_by_role("status")).to_contain_text("STRIPE TEST BANK checking ending 6789 was saved.")
    expect(page.locator("main")).to_contain_text("STRIPE TEST BANK checking ending 6789")
    page.screenshot(path=screenshots / "bank-account-saved.png", full_page=True)

    account_menu(page, "Billing")
    page.get_by_role("link", name="Set up AutoPay").click()
    expect(page.get_by_label("STRIPE TEST BANK checking ending 6789", exact=False).first).to_be_checked()
    expect(page.locator(".ach-terms")).to_contain_text("on each invoice's due date")
    expect(page.locator(".ach-terms")).to_contain_text("revoke")
    no_axe_violations(page)
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Confirm AutoPay").click()
    expect(page.locator("[id$='-error']").filter(has_text="Tick I authorize")).to_be_visible()
    page.get_by_label("I agree").check()
    page.get_by_label("I authorize these debits", exact=False).check()
    page.screenshot(path=screenshots / "bank-account-autopay.png", full_page=True)
    page.get_by_role("button", name="Confirm AutoPay").click()
    expect(page.locator("#autopay-status")).to_contain_text("AutoPay: On, from")

    move_clock(processor, due)
    stack.flask("payment_service", "autopay", "run", "--date", due.isoformat())
    page.reload()
    expect(page.locator(".pending-payment")).to_contain_text("Payment pending: $64.00 from")
    expect(page.locator("#outstanding-balance")).to_have_text("$64.00")
    no_axe_violations(page)
    page.screenshot(path=screenshots / "bank-account-pending.png", full_page=True)
    account_menu(page, "Payment History")
    assert "64.00 Processing" in words(page.locator("main"))

    move_clock(processor, due + timedelta(days=7))
    stack.flask("payment_service", "processor-events")
    account_menu(page, "Billing")
    expect(page.locator("#outstanding-balance")).to_have_text("$0.00")
    expect(page.locator(".pending-payment")).to_have_count(0)
    receipt = wait_for_mail(stack.mail_dir, lambda m: m["To"] == subscriber.email and "receipt" in m["Subject"])
    assert "Total: $64.00" in plain_text(receipt)

    with_account = [url for url, headers, body in recorded if ACCOUNT_NUMBER in f"{url}\n{headers}\n{body}"]
    assert with_account, "the account number was never sent: the capture missed the processor's request"
    assert {origin(url) for url in with_account} == {processor}, with_account
    assert {origin(url) for url, _, _ in recorded} <= bill_pay | {processor}
