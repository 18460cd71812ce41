from decimal import Decimal

import pytest

from gateway.portal.checkout import MAX_INVOICES, from_allocations, initial_rows, parse_amount, select

OPEN = [
    {"number": "528132", "date": "2016-02-15", "balance": "108.00"},
    {"number": "528131", "date": "2016-02-15", "balance": "107.95"},
]


def test_every_open_invoice_starts_selected_for_its_balance():
    rows = initial_rows(OPEN)
    assert [(row.number, row.selected, row.amount_text) for row in rows] == [
        ("528132", True, "108.00"),
        ("528131", True, "107.95"),
    ]


def test_total_is_the_sum_of_the_selected_amounts():
    selection = select(OPEN, {"528132", "528131"}, {"amount-528132": "50", "amount-528131": "$107.95"})
    assert selection.errors == {} and selection.total == Decimal("157.95")
    assert selection.allocations == [
        {"invoice": "528132", "amount": "50.00"},
        {"invoice": "528131", "amount": "107.95"},
    ]


def test_unselected_invoices_are_left_out_even_with_a_bad_amount():
    selection = select(OPEN, {"528131"}, {"amount-528132": "nonsense", "amount-528131": "1.00"})
    assert selection.errors == {} and selection.allocations == [{"invoice": "528131", "amount": "1.00"}]


def test_nothing_selected_is_an_error_for_the_table():
    assert "invoices" in select(OPEN, set(), {}).errors


def test_a_number_not_among_the_open_invoices_is_ignored():
    selection = select(OPEN, {"999999"}, {"amount-999999": "5.00"})
    assert selection.allocations == [] and "invoices" in selection.errors


@pytest.mark.parametrize(
    "text, message",
    [
        ("108.01", "more than the balance"),
        ("0", "greater than"),
        ("-1", "greater than"),
        ("0.00", "greater than"),
        ("1.001", "two decimal places"),
        ("abc", "such as"),
        ("", "Enter a payment amount"),
        ("NaN", "such as"),
        ("Infinity", "such as"),
        ("1e3", "more than the balance"),
    ],
)
def test_bad_amounts_are_refused_with_a_reason(text, message):
    amount, error = parse_amount(text, Decimal("108.00"))
    assert amount is None and message in error


@pytest.mark.parametrize("text, amount", [("108", "108.00"), (" 1,00.5 ", "100.50"), ("$0.01", "0.01")])
def test_good_amounts_are_read_as_cents(text, amount):
    assert parse_amount(text, Decimal("108.00")) == (Decimal(amount), None)


def test_errors_are_keyed_by_the_amount_field():
    selection = select(OPEN, {"528132"}, {"amount-528132": "500"})
    assert list(selection.errors) == ["amount-528132"] and selection.rows[0].error


def test_at_most_fifty_invoices_are_offered():
    many = [{"number": str(n), "date": "2016-01-01", "balance": "1.00"} for n in range(60)]
    assert len(initial_rows(many)) == MAX_INVOICES


def test_the_sessions_allocations_give_back_the_total():
    assert from_allocations([{"invoice": "A", "amount": "1.10"}, {"invoice": "B", "amount": "2.20"}]) == (
        Decimal("3.30"),
        [("A", Decimal("1.10")), ("B", Decimal("2.20"))],
    )


LIMITS = {"min_amount": "1.00", "max_amount": "10000.00"}


def test_a_total_under_the_minimum_payment_is_an_error_for_the_total():
    selection = select(OPEN, {"528131"}, {"amount-528131": "0.99"}, LIMITS)
    assert selection.errors == {"total": "The smallest payment we take is $1.00. Please pay at least that much."}


def test_a_total_over_the_maximum_payment_is_an_error_for_the_total():
    many = [{"number": f"6000{n}", "date": "2016-02-15", "balance": "4000.00"} for n in range(3)]
    selection = select(
        many, {item["number"] for item in many}, {f"amount-6000{n}": "4000.00" for n in range(3)}, LIMITS
    )
    assert "largest payment we take at once is $10,000.00" in selection.errors["total"]


def test_totals_within_the_limits_pass_and_amount_errors_come_first():
    assert select(OPEN, {"528131"}, {"amount-528131": "1.00"}, LIMITS).errors == {}
    assert set(select(OPEN, {"528131"}, {"amount-528131": "0.00"}, LIMITS).errors) == {"amount-528131"}
