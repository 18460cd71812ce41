"""Make A Payment through the portal's pages over real HTTP (the whole stack). The card is tokenized where the
page's card fields send it, at the processor the page's script comes from (the stack's sandbox processor), as
its Stripe.js-compatible script does in a browser; the portal gets the token only (tests/browser drives the
real fields in Chromium).

Each test pays on an account of its own (created through the ops APIs), never on the demo account.
"""

import re
import threading
from datetime import date

import pytest
from test_portal_billing_e2e import text

from devtools.portal_browser import PortalBrowser
from tests.support.accounts import GUIDE_INVOICES, create_subscriber
from tests.support.cards import (
    CARD_CODE,
    MASTERCARD,
    NOT_LUHN_VALID,
    VISA,
    VISA_DECLINED,
    VISA_TIMES_OUT_CHARGED,
    in_groups,
)
from tests.support.sandbox import payment_method, tokenize

GOOD_VISA, DECLINED_VISA, TIMEOUT_VISA = in_groups(VISA), VISA_DECLINED, VISA_TIMES_OUT_CHARGED
NEXT_YEAR = str(date.today().year + 1)


@pytest.fixture
def subscriber(stack):
    """A new account with two open invoices (108.00 and 107.95), signed in to the portal."""
    return create_subscriber(stack, GUIDE_INVOICES, billing_name="Payer, Pat").portal()


def amounts_form(page, **overrides):
    """The Enter Payment Amounts form as the page shows it (every checkbox as rendered), with `overrides`."""
    fields = [("csrf_token", PortalBrowser.csrf_of(page))]
    fields += [("invoice", number) for number in re.findall(r'name="invoice" value="([^"]+)" checked', page.text)]
    fields += re.findall(r'name="(amount-[^"]+)" value="([^"]*)"', page.text)
    return [(name, overrides.get(name, value)) for name, value in fields]


def choose_and_continue(browser, **overrides):
    page = browser.request("GET", "/pay")
    assert page.status == 200
    response = browser.request("POST", "/pay", amounts_form(page, **overrides) + [("action", "continue")])
    assert response.status == 302 and response.headers["Location"].endswith("/pay/method"), response.text
    return browser.request("GET", "/pay/method")


def processor_of(page):
    """The origin of the card processor whose script the page loads (its card fields and tokenization)."""
    return re.search(r'<script src="(https?://[^/"]+)/v3/"', page.text).group(1)


def card_form(page, number=GOOD_VISA, cvc=CARD_CODE, **extra):
    return {
        "csrf_token": PortalBrowser.csrf_of(page),
        "payment_method": payment_method(processor_of(page), number.replace(" ", ""), cvc, 12, int(NEXT_YEAR)),
        "receipt_email": "pat@example.com",
        **extra,
    }


def test_enter_payment_amounts_lists_open_invoices_selected_for_their_balance(subscriber):
    page = subscriber.request("GET", "/pay")
    account = subscriber.account
    assert page.status == 200
    words = text(page)
    assert "Enter Payment Amounts" in words and "02/15/2016" in words
    assert f'name="invoice" value="{account}A" checked' in page.text
    assert f'name="amount-{account}A" value="108.00"' in page.text
    assert re.search(r'id="payment-total">\$215\.95<', page.text)


def test_update_recomputes_the_total_on_the_server(subscriber):
    page = subscriber.request("GET", "/pay")
    form = amounts_form(page, **{f"amount-{subscriber.account}A": "50.00"}) + [("action", "update")]
    updated = subscriber.request("POST", "/pay", form)
    assert updated.status == 200
    assert re.search(r'id="payment-total">\$157\.95<', updated.text)


@pytest.mark.parametrize(
    "amount, message",
    [
        ("108.01", "cannot be more than the balance"),
        ("0", "greater than $0.00"),
        ("-5", "greater than $0.00"),
        ("10.005", "at most two decimal places"),
        ("ten", "such as 12.34"),
    ],
)
def test_bad_amounts_are_refused_next_to_the_field(subscriber, amount, message):
    field = f"amount-{subscriber.account}A"
    page = subscriber.request("GET", "/pay")
    refused = subscriber.request("POST", "/pay", amounts_form(page, **{field: amount}) + [("action", "continue")])
    assert refused.status == 400
    assert re.search(rf'id="{field}-error">[^<]*{re.escape(message)}', refused.text)


def test_no_invoice_selected_is_refused(subscriber):
    page = subscriber.request("GET", "/pay")
    form = [(name, value) for name, value in amounts_form(page) if name != "invoice"] + [("action", "continue")]
    refused = subscriber.request("POST", "/pay", form)
    assert refused.status == 400 and "Select at least one invoice to pay." in refused.text


def test_paying_by_card_confirms_and_balances_drop_at_once(subscriber):
    account = subscriber.account
    method = choose_and_continue(subscriber, **{f"amount-{account}A": "100.00"})
    words = text(method)
    assert "Total Payments $207.95" in words and f"Invoice # {account}A $100.00" in words
    assert "Credit Card — One time credit card payment" in words and "Manage Profiles" in words
    card_page = subscriber.request("GET", "/pay/card")
    assert "Card Types Accepted: American Express, Diners Club, Discover, JCB, Mastercard, Visa" in card_page.text
    assert f'value="pat{account}@example.com"' in card_page.text and "data-once" in card_page.text
    paid = subscriber.request("POST", "/pay/card", card_form(card_page))
    assert paid.status == 302 and "/pay/confirmation/" in paid.headers["Location"]
    confirmation = text(subscriber.request("GET", paid.headers["Location"]))
    assert "Succeeded" in confirmation and "Total Payments $207.95" in confirmation
    assert "Visa ending 4242" in confirmation and "pat@example.com" in confirmation
    assert GOOD_VISA not in confirmation and VISA not in confirmation
    billing = text(subscriber.request("GET", "/billing"))
    assert "Outstanding Balance $8.00" in billing and "Last Payment $207.95" in billing
    history = subscriber.request("GET", "/payments")
    assert paid.headers["Location"].rsplit("/", 1)[1] in history.text


def test_a_second_submit_of_the_same_checkout_charges_once(subscriber):
    choose_and_continue(subscriber)
    card_page = subscriber.request("GET", "/pay/card")
    form = card_form(card_page)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(subscriber.request("POST", "/pay/card", form))) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    again = subscriber.request("POST", "/pay/card", form)  # Back, then Submit Payment once more
    locations = {r.headers.get("Location") for r in results + [again] if r.status == 302}
    assert len(locations) == 1 and "/pay/confirmation/" in locations.pop()
    history = subscriber.request("GET", "/payments")
    assert len(re.findall(r'href="/payments/[^"]+"', history.text)) == 1
    assert "Outstanding Balance $0.00" in text(subscriber.request("GET", "/billing"))


def test_a_declined_card_shows_the_one_decline_message_charges_nothing_and_empties_the_card_fields(subscriber):
    choose_and_continue(subscriber)
    card_page = subscriber.request("GET", "/pay/card")
    declined = subscriber.request("POST", "/pay/card", card_form(card_page, number=DECLINED_VISA))
    assert declined.status == 402
    assert "Your card was declined. Use another card or call your bank." in text(declined)
    assert DECLINED_VISA not in declined.text and 'data-card-field="cardNumber"' in declined.text
    assert 'name="payment_method" value=""' in declined.text  # the card is entered again
    assert "Outstanding Balance $215.95" in text(subscriber.request("GET", "/billing"))
    retry = subscriber.request("POST", "/pay/card", card_form(declined))  # another card: a new payment
    assert retry.status == 302 and "/pay/confirmation/" in retry.headers["Location"]


def test_an_invalid_card_number_is_refused_by_the_processors_fields_before_the_portal_sees_it(subscriber):
    choose_and_continue(subscriber)
    card_page = subscriber.request("GET", "/pay/card")
    status, refused = tokenize(processor_of(card_page), NOT_LUHN_VALID)
    assert status == 402 and "card.number" in refused["error"]["fields"] and NOT_LUHN_VALID not in str(refused)


def test_a_processor_timeout_is_shown_as_pending(subscriber):
    choose_and_continue(subscriber)
    card_page = subscriber.request("GET", "/pay/card")
    paid = subscriber.request("POST", "/pay/card", card_form(card_page, number=TIMEOUT_VISA))
    assert paid.status == 302
    confirmation = subscriber.request("GET", paid.headers["Location"])
    assert 'id="payment-pending"' in confirmation.text and "Pending" in text(confirmation)


def test_a_saved_card_pays_without_the_card_form_and_profiles_can_be_managed(subscriber):
    profiles = subscriber.request("GET", "/profiles")
    added = subscriber.request("POST", "/profiles", {**card_form(profiles, number=MASTERCARD), "make_default": "y"})
    assert added.status == 302
    listing = subscriber.request("GET", "/profiles")
    assert "Mastercard ending 4444" in text(listing) and "Default" in text(listing)
    method = choose_and_continue(subscriber)
    saved_link = re.search(r'href="(/pay/saved/[^"]+)"', method.text).group(1)
    confirm = subscriber.request("GET", saved_link)
    assert "Submit Payment" in confirm.text and "data-card-field" not in confirm.text
    paid = subscriber.request(
        "POST", saved_link, {"csrf_token": PortalBrowser.csrf_of(confirm), "receipt_email": "pat@example.com"}
    )
    assert paid.status == 302
    assert "Mastercard ending 4444" in text(subscriber.request("GET", paid.headers["Location"]))
    remove_path = re.search(r'action="(/profiles/[^"]+/remove)"', listing.text).group(1)
    removed = subscriber.request("POST", remove_path, {"csrf_token": PortalBrowser.csrf_of(listing)})
    assert removed.status == 302
    assert "You have no saved cards." in subscriber.request("GET", "/profiles").text


def test_payment_pages_need_a_checkout_first(subscriber):
    for path in ("/pay/method", "/pay/card"):
        response = subscriber.request("GET", path)
        assert response.status == 302 and response.headers["Location"].endswith("/pay")


def test_no_card_number_reaches_any_log(stack):
    """Runs last in this module: every card number typed above, searched for in every process's log."""
    logs = "".join(path.read_text(errors="replace") for path in (stack.var_dir / "logs").glob("*.log"))
    assert "/pay/card" in logs  # the gateway's access log is there to search
    for number in (GOOD_VISA, DECLINED_VISA, TIMEOUT_VISA, MASTERCARD, NOT_LUHN_VALID):
        assert number.replace(" ", "") not in logs.replace(" ", "")
