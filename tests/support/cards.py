"""The sandbox processor's test cards (documented in sandbox_processor/sandbox_processor/outcomes.py), by what
they do there. tests/common/test_test_cards.py checks them against the sandbox itself."""

VISA = "4242424242424242"  # approves
MASTERCARD = "5555555555554444"  # approves
AMEX = "378282246310005"  # approves
VISA_DECLINED = "4000000000000002"
VISA_INSUFFICIENT_FUNDS = "4000000000009995"
DISCOVER_DECLINED = "6011000000000004"
VISA_TIMES_OUT_CHARGED = "4000000000000119"  # the sandbox records the charge, then its answer is lost
VISA_TIMES_OUT_NOT_CHARGED = "4000000000000259"  # no answer and no charge
NOT_LUHN_VALID = "4242424242424241"  # refused before it reaches any processor
CARD_CODE = "123"


def in_groups(number):
    """'4242424242424242' -> '4242 4242 4242 4242', as a person types it."""
    return " ".join(number[start : start + 4] for start in range(0, len(number), 4))


def token(sandbox_url, number=VISA, cvc=None, exp_month=12, exp_year=2035):
    """A one-time token for the card, from the sandbox processor's tokenization endpoint (as its card fields
    get one in the browser): what payment_service's API takes as `payment_method`."""
    from tests.support.sandbox import payment_method

    return payment_method(sandbox_url, number, cvc, exp_month, exp_year)
