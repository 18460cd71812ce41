"""Reading an ACH return from a processor's payment_failed error, and naming a bank account in words. No I/O."""

import pytest

from payment_service.ach_authorizations import bank_account_words
from payment_service.ach_returns import return_code_of

BANK = {"type": "us_bank_account"}


@pytest.mark.parametrize(
    "error, code",
    [
        ({"code": "insufficient_funds", "payment_method": BANK}, "R01"),  # Stripe's failure codes
        ({"code": "account_closed", "payment_method": BANK}, "R02"),
        ({"code": "no_account", "payment_method": BANK}, "R03"),
        ({"code": "debit_not_authorized", "payment_method": BANK}, "R10"),
        ({"code": "no_account", "ach_return_code": "R03", "payment_method": BANK}, "R03"),  # the sandbox's
        ({"code": "insufficient_funds", "payment_method": {"type": "card"}}, None),  # a card decline
        ({"code": "insufficient_funds"}, None),
    ],
)
def test_a_return_code_is_read_only_from_bank_account_failures(error, code):
    assert return_code_of(error) == code


def test_a_bank_account_is_named_once_in_words():
    assert bank_account_words("Checking account", "6789") == "Checking account ending in 6789"
    assert bank_account_words("JPMORGAN CHASE savings", "1234") == "JPMORGAN CHASE savings account ending in 1234"
