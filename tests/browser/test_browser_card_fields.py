"""The card number and card code never reach a Bill Pay server: every request Chromium makes during a card payment
is recorded, and only the card processor's origin (the stack's sandbox processor, a process of its own) gets
them; the Pay With Credit Card page keeps the guide's words and order and is free of axe-core violations."""

import json
from datetime import date
from urllib.parse import urlsplit

import pytest

pytest.importorskip("playwright", reason="playwright is not installed: make setup")

from playwright.sync_api import expect  # noqa: E402

from tests.support.accessibility import assert_no_axe_violations  # noqa: E402
from tests.support.cards import VISA, in_groups  # noqa: E402
from tests.support.chromium_portal import account_menu, enter_card, login, words  # noqa: E402

pytestmark = pytest.mark.browser
CODE = "739"
GUIDE_ORDER = (
    "Card Types Accepted",
    "Card Number",
    "Expiration Date",
    "Card Code",
    "Send receipt to the following email address",
    "Submit Payment",
)


def origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def record_requests(page):
    recorded = []

    def keep(request):
        body = request.post_data or ""
        recorded.append((request.url, json.dumps(request.headers), body))

    page.context.on("request", keep)
    return recorded


def carries_card(url, headers, body):
    """The number, typed or with its spaces, or the code as a value (3 digits turn up by chance in ids)."""
    text = f"{url}\n{headers}\n{body}"
    squeezed = text.replace(" ", "").replace("%20", "").replace("+", "")
    code_as_value = any(mark in text for mark in (f'"{CODE}"', f"={CODE}", f":{CODE}", f"'{CODE}'"))
    return VISA in squeezed or code_as_value


def open_card_page(page, subscriber):
    login(page, subscriber.account, subscriber.passcode)
    account_menu(page, "Make A Payment")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Select Credit Card, one time credit card payment").click()
    expect(page.get_by_role("heading", name="Pay With Credit Card")).to_be_visible()


def test_only_the_processors_origin_gets_the_card_number_and_code(page, subscriber, stack, screenshots):
    processor, bill_pay = stack.url("sandbox_processor"), {stack.url(name) for name in stack.services}
    open_card_page(page, subscriber)
    recorded = record_requests(page)
    enter_card(page, in_groups(VISA), 12, date.today().year + 1, CODE)
    page.get_by_role("button", name="Submit Payment").click()
    expect(page.get_by_role("heading", name="Thank you: your payment was received")).to_be_visible()
    assert "Visa ending 4242" in words(page.locator("main"))
    page.screenshot(path=screenshots / "card-fields-confirmation.png", full_page=True)

    with_card = [(url, body) for url, headers, body in recorded if carries_card(url, headers, body)]
    assert with_card, "the card was never sent anywhere: the capture missed the processor's request"
    assert {origin(url) for url, _ in with_card} == {processor}, with_card
    assert [urlsplit(url).path for url, _ in with_card] == ["/v1/payment_methods"]
    to_bill_pay = [url for url, _, _ in recorded if origin(url) in bill_pay]
    assert any(urlsplit(url).path == "/pay/card" for url in to_bill_pay)  # the portal got the token post
    assert {origin(url) for url, _, _ in recorded} <= bill_pay | {processor}


def test_the_card_page_keeps_the_guides_words_and_order_and_has_no_axe_violations(page, subscriber):
    open_card_page(page, subscriber)
    expect(page.frame_locator("#card_code iframe").get_by_label("Card Code")).to_be_visible()
    text = words(page.locator("main"))
    positions = [text.index(label) for label in GUIDE_ORDER]
    assert positions == sorted(positions), text
    assert_no_axe_violations(page)


def test_the_card_fields_are_reached_and_filled_with_the_keyboard_alone(page, subscriber):
    open_card_page(page, subscriber)
    expect(page.frame_locator("#card_number iframe").get_by_label("Card Number")).to_be_visible()
    page.locator("a", has_text="Change the amounts").focus()
    typed = [in_groups(VISA).replace(" ", ""), "12" + str((date.today().year + 1) % 100), CODE]
    for label, keys in zip(("Card Number", "Expiration Date (MM / YY)", "Card Code"), typed, strict=True):
        page.keyboard.press("Tab")
        page.keyboard.type(keys)
        box = {"Card Number": "card_number", "Card Code": "card_code"}.get(label, "card_expiry")
        expect(page.frame_locator(f"#{box} iframe").get_by_label(label)).not_to_have_value("")
    page.keyboard.press("Tab")  # the receipt e-mail, filled in from the account
    page.keyboard.press("Tab")  # Save this card
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Submit Payment
    expect(page.get_by_role("heading", name="Thank you: your payment was received")).to_be_visible()
