"""Bank accounts through the portal's pages (real HTTP, the whole stack), the browser's script played by hand:
Connect asks the portal for a SetupIntent's client secret (a CSRF-checked JSON POST), the processor the page's
script comes from collects and confirms the bank account with it (as its collectBankAccountForSetup and
confirmUsBankAccountSetup do), and the form sends only the SetupIntent's id with the debit authorization ticked.
Wrong input is a 4xx page with a message, never a 500; AutoPay and Make A Payment need the NACHA debit
authorization's own tick."""

import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from test_portal_billing_e2e import text
from test_portal_payment_e2e import choose_and_continue, processor_of

from devtools.portal_browser import PortalBrowser
from tests.support.accounts import GUIDE_INVOICES, create_subscriber
from tests.support.sandbox import collect_bank_account

SAVED = "STRIPE TEST BANK checking ending 6789"


@pytest.fixture
def subscriber(stack):
    return create_subscriber(stack, GUIDE_INVOICES, billing_name="Debit, Dee").portal()


def start_setup(browser, page):
    started = browser.request(
        "POST", "/profiles/bank-account/setup", headers={"X-CSRFToken": PortalBrowser.csrf_of(page)}
    )
    assert started.status == 200, started.text
    return json.loads(started.text)


def add_bank_account(browser, setup_intent, **extra):
    page = browser.request("GET", "/profiles")
    fields = {
        "csrf_token": PortalBrowser.csrf_of(page),
        "account_holder_name": "Dee Debit",
        "setup_intent": setup_intent,
        "ach_version": "",
        **extra,
    }
    return browser.request("POST", "/profiles/bank-account", fields)


def connected(browser, account_number="000123456789", confirm=True):
    """(the portal's answer to starting a setup, the SetupIntent as the processor's script left it)."""
    page = browser.request("GET", "/profiles")
    started = start_setup(browser, page)
    setup = collect_bank_account(processor_of(page), started["client_secret"], account_number, confirm=confirm)
    return started, setup


def saved_bank_account(browser):
    started, _ = connected(browser)
    version = started["debit_authorization"]["version"]
    added = add_bank_account(browser, started["setup_intent"], ach_version=version, ach_agree="y")
    assert added.status == 302, added.text
    page = browser.request("GET", "/profiles")
    return page, re.search(r'/profiles/([0-9a-f]+)/remove" class="inline">', page.text).group(1)


def test_the_bank_account_form_has_the_name_a_connect_button_and_no_numbers(subscriber):
    page = subscriber.request("GET", "/profiles")
    words = text(page)
    assert "Name on the account" in words and "Connect bank account" in page.text
    assert "needs JavaScript" in page.text and "cannot be added here yet" not in page.text
    assert 'name="routing_number"' not in page.text and 'name="account_number"' not in page.text
    assert page.headers["Referrer-Policy"] == "strict-origin"  # Stripe's bank login needs the origin as Referer


def test_starting_a_setup_answers_a_client_secret_and_the_debit_authorization(subscriber):
    page = subscriber.request("GET", "/profiles")
    started = start_setup(subscriber, page)
    assert started["client_secret"].startswith(started["setup_intent"] + "_secret_")
    assert "I authorize" in started["debit_authorization"]["text"]
    assert "@" in started["email"]  # the account's address, for the processor's billing_details
    refused = subscriber.request("POST", "/profiles/bank-account/setup")
    assert refused.status == 400 and "client_secret" not in refused.text


def test_wrong_bank_account_input_is_a_4xx_with_a_message(subscriber):
    started, _ = connected(subscriber)
    version = started["debit_authorization"]["version"]
    cases = [
        ({"setup_intent": ""}, 400, "Connect the bank account first"),
        ({"setup_intent": "seti 1"}, 400, "That bank account was not connected."),
        ({"setup_intent": started["setup_intent"], "account_holder_name": ""}, 400, "Enter the name on the account."),
        ({"setup_intent": started["setup_intent"], "ach_version": version}, 400, "Tick I authorize"),
        ({"setup_intent": started["setup_intent"], "ach_agree": "y"}, 422, "debit authorization"),
        ({"setup_intent": "seti_sbx_unknown", "ach_version": version, "ach_agree": "y"}, 422, "was not found"),
    ]
    for fields, status, words in cases:
        refused = add_bank_account(subscriber, **fields)
        assert refused.status == status and words in text(refused), (fields, refused.status, text(refused))
        assert "You have no saved bank accounts." in text(refused)


def test_a_setup_not_confirmed_is_refused_with_the_processors_reason(subscriber):
    started, _ = connected(subscriber, confirm=False)
    version = started["debit_authorization"]["version"]
    refused = add_bank_account(subscriber, started["setup_intent"], ach_version=version, ach_agree="y")
    assert refused.status == 422 and "was not connected" in text(refused)


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


def test_an_account_needing_microdeposits_is_saved_once_verified_on_the_processors_page(stack, subscriber):
    started, setup = connected(subscriber, account_number="000444444440")
    assert setup["status"] == "requires_action"
    version = started["debit_authorization"]["version"]
    added = add_bank_account(subscriber, started["setup_intent"], ach_version=version, ach_agree="y")
    assert added.status == 302, added.text
    page = subscriber.request("GET", "/profiles")
    assert "must be verified before you can pay from it" in text(page)
    verify_page = re.search(r'<a href="([^"]+)"[^>]*>Verify the deposits', page.text).group(1)
    assert verify_page.startswith(processor_of(page) + "/microdeposits/")
    assert "You have no saved bank accounts." in text(page)

    wrong = urllib.request.Request(verify_page, data=urllib.parse.urlencode({"first": "1", "second": "2"}).encode())
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(wrong, timeout=10)
    assert refused.value.code == 400 and "do not match" in refused.value.read().decode()
    right = urllib.request.Request(verify_page, data=urllib.parse.urlencode({"first": "32", "second": "45"}).encode())
    with urllib.request.urlopen(right, timeout=10) as answer:
        assert "Your bank account is verified" in answer.read().decode()

    stack.flask("payment_service", "processor-events")
    assert "STRIPE TEST BANK checking ending 4440" in text(subscriber.request("GET", "/profiles"))
