"""The debit authorization a subscriber reads before paying from a saved bank account (GET
/payment-profiles/<id>/debit-authorization): the one-time debit's amount or AutoPay's due dates, the account,
how to revoke; its version is what the payment or enrolment then sends as ach_authorization."""

import pytest
from payment_helpers import token
from test_ach_autopay import enrol_bank, saved_bank_account

from payment_service import ach_terms


def text_of(client, auth, profile_id, **query):
    return client.get(f"/payment-profiles/{profile_id}/debit-authorization", query_string=query, headers=auth)


def test_a_one_time_debit_authorization_names_the_amount_the_account_and_how_to_revoke(client, auth, account):
    profile = saved_bank_account(client, auth)
    answer = text_of(client, auth, profile, amount="64.00")
    assert answer.status_code == 200, answer.json
    assert (answer.json["version"], answer.json["method"]) == (ach_terms.CURRENT, "one_time")
    text = answer.json["text"]
    assert "$64.00" in text and "once, today" in text and "STRIPE TEST BANK checking account ending in 6789" in text
    assert "revoke" in text and "000123456789" not in text


def test_autopays_debit_authorization_is_accepted_by_its_version(client, auth, account):
    profile = saved_bank_account(client, auth)
    answer = text_of(client, auth, profile)
    assert answer.status_code == 200 and answer.json["method"] == "autopay"
    assert "on each invoice's due date" in answer.json["text"]
    enrolled = enrol_bank(client, auth, profile, ach_authorization=answer.json["version"])
    assert enrolled.status_code == 200, enrolled.json


def test_a_saved_card_has_no_debit_authorization(client, auth, account):
    card = client.post("/payment-profiles", json={"payment_method": token()}, headers=auth)
    assert card.status_code == 201, card.json
    answer = text_of(client, auth, card.json["id"])
    assert answer.status_code == 422 and answer.json["error"]["code"] == "not_a_bank_account"


@pytest.mark.parametrize("amount", ["0", "-5", "12.345", "lots"])
def test_a_wrong_amount_is_a_422_with_a_message(client, auth, account, amount):
    profile = saved_bank_account(client, auth)
    answer = text_of(client, auth, profile, amount=amount)
    assert answer.status_code == 422 and answer.json["error"]["message"]


def test_another_accounts_or_an_unknown_profile_is_404(client, auth, account):
    assert text_of(client, auth, "no-such-profile").status_code == 404
