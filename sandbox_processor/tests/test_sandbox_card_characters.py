"""Card details in other scripts' digits are refused by the sandbox's tokenization with a message the subscriber
can act on, never a 500 or a token."""

import pytest

from tests.support.sandbox import tokenize

NUMBERS = ["4242²42424242424", "4242424242424٢٤٢", "٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢"]
CARD = {"number": "4242424242424242", "cvc": "123", "exp_month": 12, "exp_year": 2031}
CARDS = [({"number": number}, "number") for number in NUMBERS] + [
    ({"cvc": "١٢٣"}, "cvc"),
    ({"exp_month": "١٢"}, "exp_month"),
    ({"exp_year": "٢٠٣١"}, "exp_year"),
    ({"exp_month": "¹²"}, "exp_month"),
    ({"exp_year": "２０３１"}, "exp_year"),
]


@pytest.mark.parametrize("changed, field", CARDS)
def test_other_digits_are_refused_by_field_and_get_no_token(sandbox_url, changed, field):
    status, answer = tokenize(sandbox_url, **{**CARD, **changed})
    assert status in (402, 422), answer
    assert "0 to 9" in answer["error"]["fields"][f"card.{field}"]
    assert "id" not in answer


def test_expiry_as_a_string_of_ascii_digits_is_still_fine(sandbox_url):
    status, answer = tokenize(sandbox_url, **{**CARD, "exp_month": "12", "exp_year": " 2031"})
    assert status == 200 and answer["card"]["exp_month"] == 12 and answer["card"]["exp_year"] == 2031
