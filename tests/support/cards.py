"""The sandbox processor's test cards (documented in payment_service/payment_service/processor/sandbox.py), by what
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


def card(number=VISA, cvc=CARD_CODE, exp_month=12, exp_year=2035):
    """A card as payment_service's JSON API takes it."""
    return {"number": number, "exp_month": exp_month, "exp_year": exp_year, "cvc": cvc}


APPROVED_CARD = card()
