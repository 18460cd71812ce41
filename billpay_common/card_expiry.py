"""A card's expiry rules, pure: what the sandbox processor checks when a card is tokenized and payment_service
checks of a token's or a saved card's expiry."""

import datetime


def full_year(exp_year: int) -> int:
    return exp_year + 2000 if exp_year < 100 else exp_year


def expiry_problem(exp_month: int, exp_year: int, today: datetime.date) -> tuple[str, str] | None:
    """(field, message) of what is wrong with an expiry, or None when the card is in date."""
    if not isinstance(exp_month, int) or not 1 <= exp_month <= 12:
        return "card.exp_month", "Choose a month from 1 to 12."
    if not isinstance(exp_year, int) or not (0 <= exp_year <= 99 or 2000 <= exp_year <= 2099):
        return "card.exp_year", "Enter the year as on the card, e.g. 2030."
    year = full_year(exp_year)
    if (year, exp_month) < (today.year, today.month):
        return "card.exp_year", "This card has expired."
    if year > today.year + 25:
        return "card.exp_year", "This expiry year is too far ahead."
    return None
