"""The sandbox's test cards: every other valid number of an accepted brand approves (4242424242424242,
4111111111111111, 5555555555554444, 378282246310005, ...). These numbers give the other outcomes:

| brand | declined | insufficient funds | card code fails | times out, charged | times out, not charged |
|---|---|---|---|---|---|
| Visa | 4000000000000002 | 4000000000009995 | 4000000000000127 | 4000000000000119 | 4000000000000259 |
| Mastercard | 5100000000000008 | 5100000000009991 | 5100000000000123 | 5100000000000115 | 5100000000000255 |
| American Express | 370000000000002 | 370000000009995 | 370000000000127 | 370000000000119 | 370000000000259 |
| Discover | 6011000000000004 | 6011000000009997 | 6011000000000129 | 6011000000000111 | 6011000000000251 |
| Diners Club | 36000000000008 | 36000000009991 | 36000000000123 | 36000000000115 | 36000000000255 |
| JCB | 3528000000000007 | 3528000000009990 | 3528000000000122 | 3528000000000114 | 3528000000000254 |

A timeout is answered at once with 504 (the answer a processor's edge gives when its back end is lost), so tests
stay fast; "charged" means the charge is on the ledger before that answer, so a later look-up finds it. The
outcome is decided when the card is tokenized and kept with the token: the number itself is never stored.
"""

DECLINED, INSUFFICIENT, BAD_CVC = "card_declined", "insufficient_funds", "incorrect_cvc"
TIMEOUT_CHARGED, TIMEOUT_NOT_CHARGED, APPROVE = "timeout_charged", "timeout_not_charged", "approve"
_OUTCOMES = {
    DECLINED: (
        "4000000000000002",
        "5100000000000008",
        "370000000000002",
        "6011000000000004",
        "36000000000008",
        "3528000000000007",
    ),
    INSUFFICIENT: (
        "4000000000009995",
        "5100000000009991",
        "370000000009995",
        "6011000000009997",
        "36000000009991",
        "3528000000009990",
    ),
    BAD_CVC: (
        "4000000000000127",
        "5100000000000123",
        "370000000000127",
        "6011000000000129",
        "36000000000123",
        "3528000000000122",
    ),
    TIMEOUT_CHARGED: (
        "4000000000000119",
        "5100000000000115",
        "370000000000119",
        "6011000000000111",
        "36000000000115",
        "3528000000000114",
    ),
    TIMEOUT_NOT_CHARGED: (
        "4000000000000259",
        "5100000000000255",
        "370000000000259",
        "6011000000000251",
        "36000000000255",
        "3528000000000254",
    ),
}
BY_NUMBER = {number: outcome for outcome, numbers in _OUTCOMES.items() for number in numbers}
MESSAGES = {
    DECLINED: "Your card was declined. Please use another card or call your bank.",
    INSUFFICIENT: "Your card was declined for insufficient funds. Please use another card.",
    BAD_CVC: "The card code does not match this card. Please check the 3 or 4 digits and try again.",
}


def outcome_of(number):
    return BY_NUMBER.get(number, APPROVE)


ACH_DOC = """Bank accounts (ACH debits): routing number 110000000 (STRIPE TEST BANK) or any other valid routing number,
with these account numbers (the same ones Stripe documents for `us_bank_account` in test mode):

| account number | outcome, after SANDBOX_ACH_SETTLEMENT_DAYS banking days |
|---|---|
| 000123456789, or any other 4 to 17 digits | settles (payment_intent.succeeded) |
| 000222222227 | returned R01 insufficient funds |
| 000111111113 | returned R02 account closed |
| 000111111116 | returned R03 no account / unable to locate account |
| 000333333335 | returned R10 customer advises not authorized |
| 000444444440 | connecting it needs microdeposit verification (amounts 32 and 45 cents), then settles |
"""
ACH_SETTLES = "settles"
ACH_MICRODEPOSITS = "microdeposits"  # settles too, once verified
MICRODEPOSIT_AMOUNTS = (32, 45)
ACH_RETURNS = {"000222222227": "R01", "000111111113": "R02", "000111111116": "R03", "000333333335": "R10"}
RETURN_REASONS = {
    "R01": "insufficient_funds",
    "R02": "account_closed",
    "R03": "no_account",
    "R10": "debit_not_authorized",
}


def ach_outcome_of(account_number):
    if account_number == "000444444440":
        return ACH_MICRODEPOSITS
    return ACH_RETURNS.get(account_number, ACH_SETTLES)
