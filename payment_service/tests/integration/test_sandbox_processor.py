import uuid
from decimal import Decimal

import pytest

from payment_service.cards import validate_card
from payment_service.processor import PaymentSource, ProcessorError, ProcessorTimeout, current_processor


@pytest.fixture
def processor(app):
    with app.app_context():
        yield current_processor()


def source(number, cvc="123"):
    return PaymentSource(card=validate_card(number, 12, 2031, cvc))


def reference():
    return uuid.uuid4().hex


@pytest.mark.parametrize("number", ["4242424242424242", "4111111111111111", "5555555555554444"])
def test_ordinary_test_cards_approve_and_can_be_looked_up(processor, number):
    ref = reference()
    assert processor.sale(ref, Decimal("10.00"), source(number)).approved
    found = processor.lookup(ref)
    assert found.status == "charged" and found.amount == Decimal("10.00")


@pytest.mark.parametrize(
    "number, code",
    [
        ("4000000000000002", "card_declined"),
        ("5100000000000008", "card_declined"),
        ("370000000000002", "card_declined"),
        ("6011000000009997", "insufficient_funds"),
        ("36000000009991", "insufficient_funds"),
        ("3528000000000122", "incorrect_cvc"),
    ],
)
def test_documented_numbers_decline_with_their_code(processor, number, code):
    ref = reference()
    result = processor.sale(ref, Decimal("10.00"), source(number, "1234" if number.startswith("37") else "123"))
    assert not result.approved and result.code == code and result.message
    assert processor.lookup(ref).status == "declined"  # on its ledger, nothing charged


def test_a_timeout_after_charging_is_found_by_reference(processor):
    ref = reference()
    with pytest.raises(ProcessorTimeout):
        processor.sale(ref, Decimal("10.00"), source("4000000000000119"))
    assert processor.lookup(ref).status == "charged"


def test_a_timeout_before_charging_leaves_nothing(processor):
    ref = reference()
    with pytest.raises(ProcessorTimeout):
        processor.sale(ref, Decimal("10.00"), source("5100000000000255"))
    assert processor.lookup(ref).status == "not_found"


def test_the_same_reference_is_charged_once(processor):
    ref = reference()
    processor.sale(ref, Decimal("10.00"), source("4242424242424242"))
    processor.sale(ref, Decimal("10.00"), source("4242424242424242"))
    assert processor.lookup(ref).amount == Decimal("10.00")


def test_tokens_keep_the_outcome_but_not_the_number(processor):
    token = processor.tokenize(source("4000000000009995").card)
    assert "4000000000009995" not in token
    result = processor.sale(reference(), Decimal("5.00"), PaymentSource(token=token))
    assert result.code == "insufficient_funds"
    assert processor.sale(
        reference(), Decimal("5.00"), PaymentSource(token=processor.tokenize(source("4242424242424242").card))
    ).approved


def test_authorize_then_capture_and_refund(processor):
    ref = reference()
    assert processor.authorize(ref, Decimal("7.00"), source("4242424242424242")).approved
    assert processor.lookup(ref).status == "authorized"
    processor.capture(ref)
    assert processor.refund(ref, Decimal("7.00")).status == "refunded"
    assert processor.refund(ref, Decimal("7.00")).status == "refunded"
    with pytest.raises(ProcessorError):
        processor.refund(reference(), Decimal("1.00"))
