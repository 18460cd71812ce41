"""AutoPay through the portal's pages without JavaScript (real HTTP, the whole stack): the set-up page, the tick
it needs, the Billing line, turning off, and the consent record the office sees."""

import re

from test_portal_billing_e2e import text

from devtools.api_client import ApiClient
from devtools.portal_browser import PortalBrowser
from tests.support import cards
from tests.support.accounts import create_subscriber, ops


def _subscriber_with_a_saved_card(stack):
    subscriber = create_subscriber(stack, ("30.00",), billing_name="Auto, Al")
    saved = ApiClient(stack.url("payment_service"), subscriber.bearer()).post(
        "/payment-profiles", {"payment_method": cards.token(stack.url("sandbox_processor"))}
    )
    assert saved.status == 201, saved.data
    return subscriber, saved.json_body["id"]


def _set_up_form(page, **extra):
    version = re.search(r'name="terms_version" value="([^"]+)"', page.text).group(1)
    profile = re.search(r'name="profile_id" value="([^"]+)" checked', page.text).group(1)
    return {"csrf_token": PortalBrowser.csrf_of(page), "terms_version": version, "profile_id": profile, **extra}


def test_autopay_is_set_up_with_the_tick_shown_on_billing_and_turned_off(stack):
    subscriber, profile_id = _subscriber_with_a_saved_card(stack)
    browser = subscriber.portal()
    assert "AutoPay: Off · Set up AutoPay" in text(browser.get("/billing"))

    page = browser.get("/autopay")
    assert page.status == 200 and "I authorize" in text(page) and "Visa ending 4242" in text(page)
    unticked = browser.request("POST", "/autopay", _set_up_form(page))
    assert unticked.status == 400 and "Tick I agree" in text(unticked)
    assert "AutoPay: Off" in text(browser.get("/billing"))

    done = browser.request("POST", "/autopay", _set_up_form(page, agree="y"))
    assert done.status == 302 and done.headers["Location"].endswith("/billing")
    billing = browser.get("/billing")
    assert "AutoPay: On, from Visa ending 4242 · Change · Turn off" in text(billing)

    off = browser.request("POST", "/autopay/off", {"csrf_token": PortalBrowser.csrf_of(billing)})
    assert off.status == 302
    assert "AutoPay: Off · Set up AutoPay" in text(browser.get("/billing"))

    record = ops(stack, "payment_service").get(f"/ops/autopay/{subscriber.account}")
    assert record.status == 200, record.data
    consents = record.json_body["consents"]
    assert [consent["action"] for consent in consents] == ["enrol", "turn_off"]
    assert consents[0]["profile_id"] == profile_id and consents[0]["client_address"] == "127.0.0.1"
    assert consents[0]["staff_actor"] is None
