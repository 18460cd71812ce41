"""payment_service's sandbox adapter against the real sandbox processor, a process of its own over HTTP."""

import uuid
from decimal import Decimal

import pytest

from payment_service.processor import PaymentSource, ProcessorError, ProcessorTimeout, current_processor
from tests.support.sandbox import payment_method, tokenize


@pytest.fixture
def processor(app):
    with app.app_context():
        yield current_processor()


@pytest.fixture
def source(sandbox_url):
    def make(number, cvc=None):
        return PaymentSource(token=payment_method(sandbox_url, number, cvc, exp_year=2031))

    return make


def reference():
    return uuid.uuid4().hex


@pytest.mark.parametrize("number", ["4242424242424242", "4111111111111111", "5555555555554444"])
def test_ordinary_test_cards_approve_and_can_be_looked_up(processor, source, number):
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
def test_documented_numbers_decline_with_their_code(processor, source, number, code):
    ref = reference()
    result = processor.sale(ref, Decimal("10.00"), source(number))
    assert not result.approved and result.code == code and result.message
    assert processor.lookup(ref).status == "declined"  # on its ledger, nothing charged


def test_a_timeout_after_charging_is_found_by_reference(processor, source):
    ref = reference()
    with pytest.raises(ProcessorTimeout):
        processor.sale(ref, Decimal("10.00"), source("4000000000000119"))
    assert processor.lookup(ref).status == "charged"


def test_a_timeout_before_charging_leaves_nothing(processor, source):
    ref = reference()
    with pytest.raises(ProcessorTimeout):
        processor.sale(ref, Decimal("10.00"), source("5100000000000255"))
    assert processor.lookup(ref).status == "not_found"


def test_the_same_reference_is_charged_once(processor, source):
    ref, card = reference(), source("4242424242424242")
    processor.sale(ref, Decimal("10.00"), card)
    processor.sale(ref, Decimal("10.00"), card)
    assert processor.lookup(ref).amount == Decimal("10.00")


def test_a_one_time_token_pays_once_and_a_saved_one_again(processor, source):
    card = source("4242424242424242")
    assert processor.sale(reference(), Decimal("1.00"), card).approved
    with pytest.raises(ProcessorError):
        processor.sale(reference(), Decimal("1.00"), card)
    saved = processor.save_card("99900001", source("5555555555554444").token)
    for _ in range(2):
        assert processor.sale(reference(), Decimal("1.00"), PaymentSource(token=saved.token)).approved


def test_a_token_is_described_with_a_fingerprint_of_the_card_not_the_number(processor, source):
    first, second = source("4000000000009995"), source("4000000000009995")
    described = processor.describe(first.token)
    assert (described.brand, described.last4, described.exp_month, described.exp_year) == ("Visa", "9995", 12, 2031)
    assert described.fingerprint == processor.describe(second.token).fingerprint
    assert described.fingerprint != processor.describe(source("4242424242424242").token).fingerprint
    assert "4000000000009995" not in first.token + described.fingerprint
    assert processor.sale(reference(), Decimal("5.00"), first).code == "insufficient_funds"


def test_an_unknown_token_is_refused(processor):
    with pytest.raises(ProcessorError):
        processor.describe("pm_sbx_unknown")


def test_the_sandbox_refuses_a_bad_card_by_field_without_echoing_it(sandbox_url):
    status, answer = tokenize(sandbox_url, "4242424242424241")
    assert status == 402 and answer["error"]["fields"] == {"card.number": answer["error"]["message"]}
    assert "4242424242424241" not in str(answer)
    assert tokenize(sandbox_url, "4242424242424242", key="pk_wrong")[0] == 401


def test_authorize_then_capture_and_refund(processor, source):
    ref = reference()
    assert processor.authorize(ref, Decimal("7.00"), source("4242424242424242")).approved
    assert processor.lookup(ref).status == "authorized"
    processor.capture(ref)
    assert processor.refund(ref, Decimal("7.00")).status == "refunded"
    assert processor.refund(ref, Decimal("7.00")).status == "refunded"
    with pytest.raises(ProcessorError):
        processor.refund(reference(), Decimal("1.00"))
