"""billpay_common.money: one way to read an amount, two ways to write one."""

from decimal import Decimal

import pytest
from marshmallow import ValidationError

from billpay_common.money import Money, MoneyError, display_money, format_money, parse_money


@pytest.mark.parametrize(
    "value, amount",
    [
        ("12.3", "12.30"),
        (" 7 ", "7.00"),
        ("-5.25", "-5.25"),
        (".5", "0.50"),
        ("1e3", "1000.00"),
        (108, "108.00"),
        (Decimal("0.10"), "0.10"),
    ],
)
def test_amounts_are_read_as_cents(value, amount):
    parsed = parse_money(value)
    assert parsed == Decimal(amount) and str(parsed) == amount


def test_grouped_amounts_are_read_only_when_asked():
    assert parse_money("1,234.50", grouped=True) == Decimal("1234.50")
    with pytest.raises(MoneyError):
        parse_money("1,234.50")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf", "abc", "", "1_000", "١٢", "１２", "12.3.4", None, True])
def test_what_is_not_a_finite_ascii_amount_is_refused_as_invalid(value):
    with pytest.raises(MoneyError) as refused:
        parse_money(value)
    assert refused.value.reason == "invalid" and "such as 12.34" in str(refused.value)


@pytest.mark.parametrize("value", ["1.001", "0.005", Decimal("2.500")])
def test_more_than_two_places_is_refused(value):
    with pytest.raises(MoneyError) as refused:
        parse_money(value)
    assert refused.value.reason == "places" and "two decimal places" in str(refused.value)


@pytest.mark.parametrize("value", [-415214470856930133652013056, "1e40"])
def test_amounts_too_long_for_cents_are_refused_as_too_large(value):
    with pytest.raises(MoneyError) as refused:
        parse_money(value)
    assert refused.value.reason == "too_large"


def test_floats_are_never_money():
    with pytest.raises(MoneyError):
        parse_money(0.1)


@pytest.mark.parametrize(
    "value, plain, shown",
    [
        (Decimal("215.95"), "215.95", "$215.95"),
        ("1234567.5", "1,234,567.50", "$1,234,567.50"),
        (Decimal("-5"), "-5.00", "-$5.00"),
        (0, "0.00", "$0.00"),
    ],
)
def test_amounts_are_written_with_cents_and_thousands(value, plain, shown):
    assert format_money(value) == plain and display_money(value) == shown


@pytest.mark.parametrize(
    "value, reason",
    [
        ("12.345", "places"),
        ("NaN", "invalid"),
        (12.5, "invalid"),
        ("1000000000", "too_large"),
        (-415214470856930133652013056, "too_large"),
    ],
)
def test_the_json_money_field_refuses_with_the_reason(value, reason):
    field = Money()
    with pytest.raises(ValidationError) as refused:
        field.deserialize(value)
    assert refused.value.messages == [Money.default_error_messages[reason]]


def test_the_json_money_field_reads_grouped_amounts_and_writes_plain_ones():
    field = Money()
    assert field.deserialize("1,234.5") == Decimal("1234.50")
    assert field.serialize("amount", {"amount": Decimal("7")}) == "7.00"
