"""A bank account in Chromium, end to end: connected in Manage Profiles through the sandbox processor's
collectBankAccountForSetup dialog (Escape cancels it and gives focus back; a bad routing number is refused beside
its field inside it), confirmed under the debit authorization's I authorize tick (confirmUsBankAccountSetup), AutoPay
set up from it under the
NACHA debit authorization, the due date's run leaves the payment pending with the amount held, then the sandbox's
clock passes settlement, its events are applied, and the invoice is paid with the receipt in the mailbox. Every
request is recorded: the account number goes to the processor's origin only. The new pages are axe-clean."""

from datetime import date, timedelta

import pytest

pytest.importorskip("playwright", reason="playwright is not installed: make setup")

from playwright.sync_api import expect  # noqa: E402
from test_browser_card_fields import origin, record_requests  # noqa: E402

from tests.support.accessibility import assert_no_axe_violations  # noqa: E402
from tests.support.accounts import NewInvoice, create_subscriber  # noqa: E402
from tests.support.chromium_portal import account_menu, login, words  # noqa: E402
from tests.support.mail import plain_text, wait_for_mail  # noqa: E402
from tests.support.sandbox import move_clock  # noqa: E402

pytestmark = pytest.mark.browser
ACCOUNT_NUMBER = "000123456789"
BAD_ROUTING = "110000001"


def bank_dialog(page):
    return page.get_by_role("dialog", name="Connect your bank account")


def bank_fields(page):
    return page.frame_locator("iframe[title='Secure bank account input frame']")


def enter_bank_account(page, routing):
    fields = bank_fields(page)
    fields.get_by_label("Routing number").fill(routing)
    fields.get_by_label("Account number").fill(ACCOUNT_NUMBER)
    fields.get_by_label("Checking").check()
    fields.get_by_role("button", name="Connect account").click()


def test_the_stand_in_offers_only_stripe_js_bank_account_api(page, stack):
    subscriber = create_subscriber(stack, (), billing_name="Api, Abe")
    login(page, subscriber.account, subscriber.passcode)
    account_menu(page, "Manage Profiles")
    expect(page.get_by_role("heading", name="Add a bank account")).to_be_visible()
    page.wait_for_load_state("load")  # the processor's deferred script has run
    offered = page.evaluate(
        """() => {
        const stripe = window.Stripe("pk_sandbox_local");
        let element = "created";
        try { stripe.elements().create("usBankAccount"); } catch (error) { element = "refused"; }
        return [element, typeof stripe.collectBankAccountForSetup, typeof stripe.confirmUsBankAccountSetup];
    }"""
    )
    assert offered == ["refused", "function", "function"]


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
    expect(page.locator("main")).not_to_contain_text("cannot be added here yet")
    assert_no_axe_violations(page)

    connect = page.get_by_role("button", name="Connect bank account")
    connect.click()
    expect(page.locator("#bank-alert")).to_contain_text("Enter the name on the account.")
    page.get_by_label("Name on the account").fill("Ava Auto")
    connect.click()
    expect(bank_dialog(page)).to_be_visible()
    expect(bank_dialog(page)).to_have_attribute("aria-modal", "true")
    expect(page.locator("main#main")).to_have_attribute("inert", "")  # the page behind it is inert
    expect(bank_fields(page).get_by_label("Routing number")).to_be_focused()
    assert_no_axe_violations(page)
    page.keyboard.press("Escape")
    expect(bank_dialog(page)).to_have_count(0)
    expect(connect).to_be_focused()
    expect(page.locator("#bank-alert")).to_contain_text("its window was closed")

    connect.click()
    expect(bank_dialog(page)).to_be_visible()
    enter_bank_account(page, BAD_ROUTING)
    expect(bank_fields(page).locator("#routing_number-error")).to_contain_text("This routing number is not valid")
    expect(bank_dialog(page)).to_be_visible()
    page.screenshot(path=screenshots / "bank-account-routing-error.png", full_page=True)
    enter_bank_account(page, "110000000")
    expect(bank_dialog(page)).to_have_count(0)
    expect(page.locator("#bank-ach-terms")).to_contain_text("I authorize")
    expect(page.locator("#bank-ach-terms")).to_contain_text("revoke")
    save = page.get_by_role("button", name="Save bank account")
    save.click()
    expect(page.locator("#bank-alert")).to_contain_text("Tick I authorize")
    assert_no_axe_violations(page)
    page.get_by_label("I authorize debits from this bank account", exact=False).check()
    save.click()
    expect(page.get_by_role("status")).to_contain_text("STRIPE TEST BANK checking ending 6789 was saved.")
    expect(page.locator("main")).to_contain_text("STRIPE TEST BANK checking ending 6789")
    page.screenshot(path=screenshots / "bank-account-saved.png", full_page=True)

    account_menu(page, "Billing")
    page.get_by_role("link", name="Set up AutoPay").click()
    expect(page.get_by_label("STRIPE TEST BANK checking ending 6789", exact=False).first).to_be_checked()
    expect(page.locator(".ach-terms")).to_contain_text("on each invoice's due date")
    expect(page.locator(".ach-terms")).to_contain_text("revoke")
    assert_no_axe_violations(page)
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
    assert_no_axe_violations(page)
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
