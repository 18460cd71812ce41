"""A card the processor declines: the portal shows the one decline message (never the processor's reason) and
nothing is charged."""

from datetime import date

import pytest

pytest.importorskip("playwright", reason="playwright is not installed: make setup")

from playwright.sync_api import expect  # noqa: E402

from tests.support.cards import CARD_CODE, VISA_DECLINED  # noqa: E402
from tests.support.chromium_portal import account_menu, card_field, enter_card, login, words  # noqa: E402

DECLINE_MESSAGE = "Your card was declined. Use another card or call your bank."

pytestmark = pytest.mark.browser


def test_declined_card_shows_the_one_decline_message_and_charges_nothing(page, subscriber, ops_client, screenshots):
    login(page, subscriber.account, subscriber.passcode)
    expect(page.locator("#outstanding-balance")).to_have_text("$215.95")
    account_menu(page, "Make A Payment")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Select Credit Card, one time credit card payment").click()
    enter_card(page, VISA_DECLINED, 12, date.today().year + 1, CARD_CODE)
    page.get_by_role("button", name="Submit Payment").click()

    expect(page.get_by_role("alert")).to_have_text(DECLINE_MESSAGE)
    expect(page.get_by_role("heading", name="Pay With Credit Card")).to_be_visible()
    expect(card_field(page, "card_number", "Card Number")).to_have_value("")  # new fields: the card is entered again
    page.screenshot(path=screenshots / "declined-card.png", full_page=True)

    account_menu(page, "Billing")
    expect(page.locator("#outstanding-balance")).to_have_text("$215.95")
    expect(page.locator("#last-payment")).to_have_text("$0.00")
    payments = ops_client("payment_service").get(f"/ops/payments?account={subscriber.account}")
    assert payments.status == 200, payments.json_body
    assert [(item["status"], item["amount"]) for item in payments.json_body["items"]] == [("declined", "215.95")]
    account_menu(page, "Payment History")
    assert "Succeeded" not in words(page.locator("main"))
