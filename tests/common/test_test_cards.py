"""The test cards of tests.support.cards do in the sandbox processor what their names say."""

import pytest

from sandbox_processor import outcomes as sandbox
from tests.support import cards


def outcome(number):
    return sandbox.outcome_of(number)


@pytest.mark.parametrize(
    "number, expected",
    [
        (cards.VISA, sandbox.APPROVE),
        (cards.MASTERCARD, sandbox.APPROVE),
        (cards.AMEX, sandbox.APPROVE),
        (cards.VISA_DECLINED, sandbox.DECLINED),
        (cards.DISCOVER_DECLINED, sandbox.DECLINED),
        (cards.VISA_INSUFFICIENT_FUNDS, sandbox.INSUFFICIENT),
        (cards.VISA_TIMES_OUT_CHARGED, sandbox.TIMEOUT_CHARGED),
        (cards.VISA_TIMES_OUT_NOT_CHARGED, sandbox.TIMEOUT_NOT_CHARGED),
    ],
)
def test_each_card_has_its_outcome_in_the_sandbox(number, expected):
    assert outcome(number) == expected


def test_cards_are_typed_in_groups_of_four():
    assert cards.in_groups(cards.VISA) == "4242 4242 4242 4242"
    assert cards.in_groups(cards.AMEX) == "3782 8224 6310 005"
