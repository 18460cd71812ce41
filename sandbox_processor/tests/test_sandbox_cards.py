import datetime

import pytest

from sandbox_processor import cards

TODAY = datetime.date(2026, 11, 25)


def check(number, cvc="123", month=12, year=2030):
    return cards.validate_card(number, month, year, cvc, today=TODAY)


@pytest.mark.parametrize(
    "number, brand",
    [
        ("4242424242424242", "Visa"),
        ("4111 1111 1111 1111", "Visa"),
        ("4222222222222", "Visa"),
        ("5555-5555-5555-4444", "Mastercard"),
        ("2223003122003222", "Mastercard"),
        ("2720990000000007", "Mastercard"),
        ("6011111111111117", "Discover"),
        ("6445644564456445", "Discover"),
        ("3056930009020004", "Diners Club"),
        ("36227206271667", "Diners Club"),
        ("3566002020360505", "JCB"),
    ],
)
def test_accepted_brands_are_recognised(number, brand):
    card = check(number)
    assert card.brand == brand and card.last4 == number[-4:]


@pytest.mark.parametrize("number", ["378282246310005", "371449635398431", "340000000000009"])
def test_american_express_needs_a_four_digit_code(number):
    assert check(number, cvc="1234").brand == "American Express"
    with pytest.raises(cards.CardInvalid) as refused:
        check(number, cvc="123")
    assert refused.value.fields == {"card.cvc": "The card code has 4 digits for American Express cards."}


def test_other_brands_need_a_three_digit_code():
    with pytest.raises(cards.CardInvalid) as refused:
        check("4242424242424242", cvc="1234")
    assert set(refused.value.fields) == {"card.cvc"}


@pytest.mark.parametrize(
    "number, brand",
    [
        ("6200000000000005", "UnionPay"),
        ("6759649826438453", "Maestro"),
        ("5018000000000009", "Maestro"),
        ("2200000000000004", "Mir"),
        ("5019717010103742", "Dankort"),
    ],
)
def test_other_networks_are_refused_by_name(number, brand):
    with pytest.raises(cards.CardInvalid) as refused:
        check(number)
    message = refused.value.fields["card.number"]
    assert message.startswith(f"We do not accept {brand} cards.")
    assert number not in message


@pytest.mark.parametrize(
    "number, problem",
    [
        ("4242424242424241", "not valid"),
        ("424242424242424", "not valid"),
        ("37828224631000", "not valid"),
        ("4242 4242 4242 424x", "digits only"),
        ("", "Enter the card number"),
        ("9999999999999995", "do not recognise"),
    ],
)
def test_bad_numbers_are_refused_without_echoing_them(number, problem):
    with pytest.raises(cards.CardInvalid) as refused:
        check(number)
    message = refused.value.fields["card.number"]
    assert problem in message
    assert not number or number not in str(refused.value.fields)


@pytest.mark.parametrize(
    "month, year, field",
    [
        (0, 2030, "card.exp_month"),
        (13, 2030, "card.exp_month"),
        (10, 2026, "card.exp_year"),
        (12, 2025, "card.exp_year"),
        (1, 1999, "card.exp_year"),
    ],
)
def test_bad_expiry_is_refused(month, year, field):
    with pytest.raises(cards.CardInvalid) as refused:
        check("4242424242424242", month=month, year=year)
    assert set(refused.value.fields) == {field}


def test_a_card_is_good_through_its_expiry_month():
    assert check("4242424242424242", month=11, year=2026).exp_year == 2026
    assert check("4242424242424242", month=11, year=26).exp_year == 2026


def test_every_problem_is_reported_at_once():
    with pytest.raises(cards.CardInvalid) as refused:
        cards.validate_card("1234", 13, 2030, "", today=TODAY)
    assert set(refused.value.fields) == {"card.number", "card.cvc", "card.exp_month"}


def test_a_card_never_shows_its_number():
    card = check("4242424242424242")
    assert "4242424242424242" not in repr(card) and "4242424242424242" not in str(card)


# Digits other than ASCII 0-9 pass str.isdigit(): superscripts broke the Luhn check (a 500), Arabic-Indic and
# full-width digits were charged and stored as the last 4.
OTHER_DIGITS = ["4242²42424242424", "4242424242424٢٤٢", "٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢", "４２４２４２４２４２４２４２４２"]


@pytest.mark.parametrize("number", OTHER_DIGITS)
def test_a_number_with_digits_other_than_0_to_9_is_refused_with_a_way_out(number):
    with pytest.raises(cards.CardInvalid) as refused:
        check(number)
    message = refused.value.fields["card.number"]
    assert "0 to 9" in message and number not in message


@pytest.mark.parametrize("cvc", ["١٢٣", "12³", "１２３"])
def test_a_card_code_with_digits_other_than_0_to_9_is_refused(cvc):
    with pytest.raises(cards.CardInvalid) as refused:
        check("4242424242424242", cvc=cvc)
    assert set(refused.value.fields) == {"card.cvc"} and "0 to 9" in refused.value.fields["card.cvc"]


def test_spaces_and_dashes_are_still_fine():
    assert check("4242-4242 4242-4242", cvc=" 123 ").last4 == "4242"
