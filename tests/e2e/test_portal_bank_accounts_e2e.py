"""Bank accounts through the portal's pages without JavaScript (real HTTP, the whole stack): the bank account is
tokenized at the processor the page's script comes from, as its bank-account element does, and the portal gets
the token only. Wrong input is a 4xx page with a message, never a 500; AutoPay and Make A Payment need the NACHA
debit authorization's own tick."""

import re

import pytest
from test_portal_billing_e2e import text
from test_portal_payment_e2e import choose_and_continue, processor_of

from devtools.portal_browser import PortalBrowser
from tests.support.accounts import GUIDE_INVOICES, create_subscriber
from tests.support.sandbox import tokenize_bank_account

SAVED = "STRIPE TEST BANK checking ending 6789"


@pytest.fixture
def subscriber(stack):
    return create_subscriber(stack, GUIDE_INVOICES, billing_name="Debit, Dee").portal()


def add_bank_account(browser, token):
    page = browser.request("GET", "/profiles")
    fields = {"csrf_token": PortalBrowser.csrf_of(page), "payment_method": token}
    return browser.request("POST", "/profiles/bank-account", fields)


def saved_bank_account(browser):
    status, method = tokenize_bank_account(processor_of(browser.request("GET", "/profiles")), "000123456789")
    assert status == 200, method
    added = add_bank_account(browser, method["id"])
    assert added.status == 302, added.text
    page = browser.request("GET", "/profiles")
    return page, re.search(r'/profiles/([0-9a-f]+)/remove" class="inline">', page.text).group(1)


@pytest.mark.parametrize(
    "token, status, words",
    [
        ("", 400, "Enter the routing number, account number and name on the account."),
        ("110000000 000123456789", 400, "That bank account token is not valid."),
        ("pm_sbx_unknown", 422, "We could not save that bank account. Please enter it again."),
    ],
)
def test_a_wrong_bank_account_token_is_a_4xx_with_a_message(subscriber, token, status, words):
    refused = add_bank_account(subscriber, token)
    assert refused.status == status and words in text(refused)
    assert "You have no saved bank accounts." in text(refused)


def test_a_bank_account_is_listed_then_removed(subscriber):
    page, profile_id = saved_bank_account(subscriber)
    assert SAVED in text(page) and "000123456789" not in page.text
    removed = subscriber.request("POST", f"/profiles/{profile_id}/remove", {"csrf_token": PortalBrowser.csrf_of(page)})
    assert removed.status == 302
    assert "You have no saved bank accounts." in text(subscriber.request("GET", "/profiles"))


def test_autopay_from_a_bank_account_needs_its_debit_authorization_ticked(subscriber):
    _, profile_id = saved_bank_account(subscriber)
    page = subscriber.request("GET", "/autopay")
    assert "on each invoice's due date" in text(page) and "revoke" in text(page)
    form = {
        "csrf_token": PortalBrowser.csrf_of(page),
        "terms_version": re.search(r'name="terms_version" value="([^"]+)"', page.text).group(1),
        "ach_version": re.search(r'name="ach_version" value="([^"]+)"', page.text).group(1),
        "profile_id": profile_id,
        "agree": "y",
    }
    unticked = subscriber.request("POST", "/autopay", form)
    assert unticked.status == 400 and "Tick I authorize" in text(unticked)
    stale = subscriber.request("POST", "/autopay", {**form, "ach_agree": profile_id, "ach_version": "ach-1999"})
    assert stale.status == 422 and "debit authorization" in text(stale)
    done = subscriber.request("POST", "/autopay", {**form, "ach_agree": profile_id})
    assert done.status == 302 and done.headers["Location"].endswith("/billing")
    assert "AutoPay: On, from" in text(subscriber.request("GET", "/billing"))


def test_a_one_time_debit_shows_its_amount_needs_the_tick_and_is_pending_on_billing(subscriber):
    _, profile_id = saved_bank_account(subscriber)
    choose_and_continue(subscriber)
    page = subscriber.request("GET", f"/pay/saved/{profile_id}")
    assert page.status == 200 and "$215.95" in text(page) and "once, today" in text(page)
    form = {
        "csrf_token": PortalBrowser.csrf_of(page),
        "ach_version": re.search(r'name="ach_version" value="([^"]+)"', page.text).group(1),
    }
    unticked = subscriber.request("POST", f"/pay/saved/{profile_id}", form)
    assert unticked.status == 400 and "Tick I authorize" in text(unticked)
    paid = subscriber.request("POST", f"/pay/saved/{profile_id}", {**form, "ach_agree": "y"})
    assert paid.status == 302 and "/pay/confirmation/" in paid.headers["Location"], paid.text
    confirmation = subscriber.request("GET", paid.headers["Location"])
    assert "Processing" in text(confirmation) and "banking days" in text(confirmation)
    billing = text(subscriber.request("GET", "/billing"))
    assert "Payment pending: $215.95 from" in billing and "ending 6789" in billing
    assert "Processing" in text(subscriber.request("GET", "/payments"))
