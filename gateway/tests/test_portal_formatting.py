from datetime import date
from decimal import Decimal

import pytest

from billpay_common.dates import months_before
from gateway.portal.formatting import (
    address_lines,
    date_range,
    method_name,
    money,
    plain_money,
    short_date,
    status_words,
)


@pytest.mark.parametrize(
    "value, shown",
    [
        ("215.95", "$215.95"),
        (Decimal("0"), "$0.00"),
        ("1234567.5", "$1,234,567.50"),
        ("-5", "-$5.00"),
        (None, ""),
        ("", ""),
    ],
)
def test_money_is_dollars_with_cents(value, shown):
    assert money(value) == shown


def test_plain_money_drops_the_dollar_sign_as_in_the_guides_tables():
    assert plain_money("107.95") == "107.95" and plain_money("-1") == "-1.00"


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        money(0.1)


@pytest.mark.parametrize(
    "value, shown",
    [
        ("2016-02-15", "02/15/2016"),
        (date(2013, 6, 5), "06/05/2013"),
        ("2016-01-12T09:05:00+00:00", "01/12/2016"),
        (None, ""),
        ("someday", "someday"),
    ],
)
def test_short_date(value, shown):
    assert short_date(value) == shown


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (date(2026, 11, 24), 24, date(2024, 11, 24)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2026, 5, 31), 1, date(2026, 4, 30)),
        (date(2026, 1, 31), 13, date(2024, 12, 31)),
        (date(2026, 11, 24), 0, date(2026, 11, 24)),
    ],
)
def test_months_before_keeps_the_day_or_the_months_last(day, months, expected):
    assert months_before(day, months) == expected


def test_blank_range_is_the_last_24_months():
    assert date_range("", None, date(2026, 11, 24)) == (date(2024, 11, 24), date(2026, 11, 24), {})


def test_blank_range_of_open_invoices_has_no_limit():
    assert date_range("", None, date(2026, 11, 24), open_only=True) == (None, None, {})


def test_open_invoices_take_the_dates_given():
    assert date_range("2016-01-01", "", date(2026, 11, 24), open_only=True) == (date(2016, 1, 1), None, {})
    assert date_range("", "2016-12-31", date(2026, 11, 24), open_only=True) == (None, date(2016, 12, 31), {})
    assert set(date_range("someday", "", date(2026, 1, 1), open_only=True)[2]) == {"start"}


def test_the_guides_range_is_accepted():
    assert date_range("1990-01-01", "2020-01-01", date(2026, 11, 24)) == (date(1990, 1, 1), date(2020, 1, 1), {})


def test_bad_or_reversed_dates_are_reported_by_field():
    assert set(date_range("31/12/2016", "2016-13-01", date(2026, 1, 1))[2]) == {"start", "end"}
    assert "on or before" in date_range("2017-01-01", "2016-01-01", date(2026, 1, 1))[2]["start"]


def test_address_lines_like_a_letter():
    address = {"line1": "123 Main Street", "line2": "", "city": "Syracuse", "state": "NY", "zip": "13204"}
    assert address_lines(address) == ["123 Main Street", "Syracuse, NY 13204"]
    assert address_lines(None) == []


@pytest.mark.parametrize(
    "payment, shown",
    [
        ({"status": "pending", "kind": "us_bank_account"}, "Processing"),
        ({"status": "pending", "kind": "card"}, "Pending"),
        ({"status": "succeeded", "kind": "us_bank_account"}, "Succeeded"),
        ({"status": "charged_back", "kind": "card"}, "Charged back"),
    ],
)
def test_a_bank_debit_not_settled_yet_reads_processing(payment, shown):
    assert status_words(payment) == shown


def test_a_bank_account_is_named_by_its_bank_when_known():
    bank = {"kind": "us_bank_account", "brand": "Checking account", "bank_name": "STRIPE TEST BANK"}
    assert method_name({**bank, "account_type": "checking"}) == "STRIPE TEST BANK checking"
    assert method_name({**bank, "bank_name": None, "account_type": "checking"}) == "Checking account"
    assert method_name({"kind": "card", "brand": "Visa"}) == "Visa"
