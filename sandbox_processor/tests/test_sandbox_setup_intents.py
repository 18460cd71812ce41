"""SetupIntents at the sandbox, in Stripe's shapes: the server creates one for a Customer with the secret key,
the browser attaches the bank account it tokenized and confirms it with the publishable key and the
client_secret only, and the mandate is recorded with the confirming request's address and browser."""

import urllib.parse
import urllib.request

import pytest

from tests.support.sandbox import PUBLISHABLE_KEY, call, tokenize_bank_account

US_BANK = {"payment_method_types": ["us_bank_account"], "usage": "off_session"}


def new_setup(url, **extra):
    status, customer = call(url, "POST", "/v1/customers", {"metadata": {"billpay_account": "99939999"}})
    assert status == 200 and customer["id"].startswith("cus_sbx_"), customer
    status, setup = call(url, "POST", "/v1/setup_intents", {"customer": customer["id"], **US_BANK, **extra})
    assert status == 200, setup
    return customer, setup


def as_browser(url, method, setup, suffix="", body=None, secret=None):
    secret = setup["client_secret"] if secret is None else secret
    path = f"/v1/setup_intents/{setup['id']}{suffix}"
    if method == "GET":
        return call(url, "GET", f"{path}?client_secret={secret}", key=PUBLISHABLE_KEY)
    return call(url, method, path, {"client_secret": secret, **(body or {})}, key=PUBLISHABLE_KEY)


def collected(url, setup, account_number="000123456789"):
    status, method = tokenize_bank_account(url, account_number)
    assert status == 200, method
    status, attached = as_browser(url, "POST", setup, body={"payment_method": method["id"]})
    assert status == 200, attached
    return method, attached


def test_a_new_setup_intent_has_stripes_shape_and_waits_for_a_payment_method(sandbox_url):
    options = {"us_bank_account": {"verification_method": "automatic"}}
    customer, setup = new_setup(sandbox_url, payment_method_options=options, metadata={"billpay_account": "1"})
    assert setup["object"] == "setup_intent" and setup["id"].startswith("seti_sbx_")
    assert setup["client_secret"].startswith(setup["id"] + "_secret_")
    assert (setup["status"], setup["customer"], setup["payment_method"], setup["mandate"]) == (
        "requires_payment_method",
        customer["id"],
        None,
        None,
    )
    assert setup["payment_method_types"] == ["us_bank_account"] and setup["usage"] == "off_session"
    assert setup["payment_method_options"] == options and setup["metadata"] == {"billpay_account": "1"}
    status, read = call(sandbox_url, "GET", f"/v1/setup_intents/{setup['id']}")
    assert status == 200 and read == setup


def test_the_browser_attaches_then_confirms_and_the_mandate_is_recorded(sandbox_url):
    _, setup = new_setup(sandbox_url)
    method, attached = collected(sandbox_url, setup)
    assert (attached["status"], attached["payment_method"]) == ("requires_confirmation", method["id"])
    acceptance = {"customer_acceptance": {"type": "online", "online": {"infer_from_client": True}}}
    status, confirmed = as_browser(sandbox_url, "POST", setup, "/confirm", {"mandate_data": acceptance})
    assert status == 200 and confirmed["status"] == "succeeded", confirmed
    assert confirmed["mandate"].startswith("mandate_sbx_")
    status, read = call(sandbox_url, "GET", f"/v1/payment_methods/{method['id']}")
    assert status == 200 and read["attached"] is True
    assert as_browser(sandbox_url, "POST", setup, "/confirm")[1]["mandate"] == confirmed["mandate"]  # once


@pytest.mark.parametrize("secret", ["", "seti_sbx_x_secret_wrong"])
def test_the_publishable_key_needs_the_setup_intents_own_client_secret(sandbox_url, secret):
    _, setup = new_setup(sandbox_url)
    for method, suffix in (("GET", ""), ("POST", "/confirm")):
        status, answer = as_browser(sandbox_url, method, setup, suffix, secret=secret)
        assert status == 401 and answer["error"]["code"] == "invalid_client_secret"
        assert "client_secret" not in answer["error"]["message"] or setup["client_secret"] not in str(answer)


def test_the_publishable_key_cannot_create_or_cancel(sandbox_url):
    status, _ = call(sandbox_url, "POST", "/v1/setup_intents", US_BANK, key=PUBLISHABLE_KEY)
    assert status == 401
    _, setup = new_setup(sandbox_url)
    assert call(sandbox_url, "POST", f"/v1/setup_intents/{setup['id']}/cancel", key=PUBLISHABLE_KEY)[0] == 401


def test_confirming_before_an_account_is_collected_is_refused(sandbox_url):
    _, setup = new_setup(sandbox_url)
    status, answer = as_browser(sandbox_url, "POST", setup, "/confirm")
    assert status == 422 and answer["error"]["code"] == "setup_intent_unexpected_state"


def test_only_us_bank_account_setups_and_known_customers(sandbox_url):
    status, answer = call(sandbox_url, "POST", "/v1/setup_intents", {"payment_method_types": ["card"]})
    assert status == 422 and any(name.startswith("payment_method_types") for name in answer["error"]["fields"])
    status, answer = call(sandbox_url, "POST", "/v1/setup_intents", {"customer": "cus_sbx_none", **US_BANK})
    assert status == 404 and answer["error"]["code"] == "resource_missing"
    assert call(sandbox_url, "GET", "/v1/setup_intents/seti_sbx_none")[0] == 404


def test_a_bank_account_attached_once_cannot_be_attached_to_another_setup(sandbox_url):
    _, first = new_setup(sandbox_url)
    method, _ = collected(sandbox_url, first)
    as_browser(sandbox_url, "POST", first, "/confirm")
    _, second = new_setup(sandbox_url)
    status, answer = as_browser(sandbox_url, "POST", second, body={"payment_method": method["id"]})
    assert status == 409 and answer["error"]["code"] == "payment_method_used"


def test_a_canceled_setup_takes_no_account(sandbox_url):
    _, setup = new_setup(sandbox_url)
    status, canceled = call(sandbox_url, "POST", f"/v1/setup_intents/{setup['id']}/cancel")
    assert status == 200 and canceled["status"] == "canceled"
    status, method = tokenize_bank_account(sandbox_url, "000123456789")
    status, answer = as_browser(sandbox_url, "POST", setup, body={"payment_method": method["id"]})
    assert status == 422


def test_the_browsers_calls_are_allowed_cross_origin(sandbox_url):
    import urllib.request

    preflight = urllib.request.Request(f"{sandbox_url}/v1/setup_intents/seti_sbx_x/confirm", method="OPTIONS")
    with urllib.request.urlopen(preflight, timeout=10) as response:
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Authorization" in response.headers["Access-Control-Allow-Headers"]


def awaiting_microdeposits(url):
    _, setup = new_setup(url)
    collected(url, setup, account_number="000444444440")
    status, confirmed = as_browser(url, "POST", setup, "/confirm")
    assert status == 200, confirmed
    return confirmed


def test_the_documented_account_awaits_microdeposits_with_a_page_to_verify_them(sandbox_url):
    setup = awaiting_microdeposits(sandbox_url)
    assert (setup["status"], setup["mandate"]) == ("requires_action", None)
    action = setup["next_action"]
    assert action["type"] == "verify_with_microdeposits"
    page = action["verify_with_microdeposits"]["hosted_verification_url"]
    assert page.startswith(sandbox_url) and setup["client_secret"] in page
    with urllib.request.urlopen(page, timeout=10) as answer:
        assert "Enter their amounts" in answer.read().decode()


def test_wrong_amounts_are_a_400_and_the_right_ones_verify_it_with_an_event(sandbox_url):
    setup = awaiting_microdeposits(sandbox_url)
    status, wrong = as_browser(sandbox_url, "POST", setup, "/verify_microdeposits", {"amounts": [32, 46]})
    assert status == 400 and wrong["error"]["code"] == "payment_method_microdeposit_verification_amounts_mismatch"
    status, verified = as_browser(sandbox_url, "POST", setup, "/verify_microdeposits", {"amounts": [45, 32]})
    assert status == 200 and verified["status"] == "succeeded" and verified["mandate"].startswith("mandate_sbx_")
    assert verified["next_action"] is None
    listed = call(sandbox_url, "GET", "/v1/events?limit=100")[1]["data"]
    [event] = [event for event in listed if event["id"] == f"evt_sbx_{setup['id']}"]
    assert event["type"] == "setup_intent.succeeded" and event["data"]["object"]["id"] == setup["id"]


def test_the_verification_page_takes_the_amounts(sandbox_url):
    setup = awaiting_microdeposits(sandbox_url)
    page = setup["next_action"]["verify_with_microdeposits"]["hosted_verification_url"]
    form = urllib.parse.urlencode({"first": "32", "second": "45"}).encode()
    with urllib.request.urlopen(urllib.request.Request(page, data=form), timeout=10) as answer:
        assert "Your bank account is verified" in answer.read().decode()
    assert call(sandbox_url, "GET", f"/v1/setup_intents/{setup['id']}")[1]["status"] == "succeeded"


def test_the_server_keeps_metadata_merged_with_the_secret_key_only(sandbox_url):
    _, setup = new_setup(sandbox_url, metadata={"billpay_account": "99939999"})
    status, kept = call(sandbox_url, "POST", f"/v1/setup_intents/{setup['id']}", {"metadata": {"note": "x"}})
    assert status == 200 and kept["metadata"] == {"billpay_account": "99939999", "note": "x"}
    status, _ = as_browser(sandbox_url, "POST", setup, body={"metadata": {"note": "browser"}})
    assert status == 422
    assert call(sandbox_url, "GET", f"/v1/setup_intents/{setup['id']}")[1]["metadata"]["note"] == "x"
