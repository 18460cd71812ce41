"""Which SetupIntents become a saved bank account: only this account's Customer's, succeeded, a us_bank_account's,
with a mandate. Pure: no processor, no database."""

import dataclasses

import pytest

from payment_service.bank_account_setups import refusal
from payment_service.processor import BankAccountSetup

ACCOUNT, CUSTOMER = "99939999", "cus_mine"
GOOD = BankAccountSetup(
    id="seti_1",
    status="succeeded",
    customer=CUSTOMER,
    customer_account=ACCOUNT,
    payment_method="pm_1",
    payment_method_type="us_bank_account",
    mandate="mandate_1",
    bank_name="STRIPE TEST BANK",
    account_type="checking",
    last4="6789",
)


def test_a_succeeded_bank_account_setup_of_this_accounts_customer_is_accepted():
    assert refusal(GOOD, ACCOUNT, CUSTOMER) is None
    assert refusal(GOOD, ACCOUNT, None) is None  # the Customer made for the account's first bank account


@pytest.mark.parametrize(
    "change, known, code",
    [
        ({"customer_account": "12345678"}, None, "setup_intent_not_yours"),
        ({"customer": None, "customer_account": None}, None, "setup_intent_not_yours"),
        ({}, "cus_another", "setup_intent_not_yours"),
        (
            {"status": "requires_action", "next_action": "verify_with_microdeposits"},
            CUSTOMER,
            "bank_account_unverified",
        ),
        ({"status": "requires_confirmation"}, CUSTOMER, "setup_intent_not_succeeded"),
        (
            {"status": "requires_payment_method", "payment_method": None, "payment_method_type": None},
            None,
            "setup_intent_not_succeeded",
        ),
        ({"status": "canceled"}, CUSTOMER, "setup_intent_not_succeeded"),
        ({"payment_method_type": "card"}, CUSTOMER, "not_a_bank_account"),
        ({"mandate": None}, CUSTOMER, "mandate_required"),
    ],
)
def test_every_other_setup_is_refused_with_its_reason(change, known, code):
    refused = refusal(dataclasses.replace(GOOD, **change), ACCOUNT, known)
    assert refused is not None and refused.status == 422 and refused.code == code
    assert "setup_intent" in refused.fields


def test_awaiting_microdeposits_says_it_cannot_be_used_yet():
    waiting = dataclasses.replace(GOOD, status="requires_action", next_action="verify_with_microdeposits")
    assert "microdeposits" in refusal(waiting, ACCOUNT, CUSTOMER).message
    assert "cannot be used yet" in refusal(waiting, ACCOUNT, CUSTOMER).message
