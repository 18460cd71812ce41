"""Card expiry rules, pure: the card itself is entered in the processor's fields, so expiry (from the processor's
description of a token) is all payment_service checks."""

import datetime


def expiry_problem(exp_month: int, exp_year: int, today: datetime.date) -> tuple[str, str] | None:
    if not isinstance(exp_month, int) or not 1 <= exp_month <= 12:
        return "card.exp_month", "Choose a month from 1 to 12."
    if not isinstance(exp_year, int) or not (0 <= exp_year <= 99 or 2000 <= exp_year <= 2099):
        return "card.exp_year", "Enter the year as on the card, e.g. 2030."
    year = exp_year + 2000 if exp_year < 100 else exp_year
    if (year, exp_month) < (today.year, today.month):
        return "card.exp_year", "This card has expired."
    if year > today.year + 25:
        return "card.exp_year", "This expiry year is too far ahead."
    return None


def full_year(exp_year: int) -> int:
    return exp_year + 2000 if exp_year < 100 else exp_year


def expires_within(exp_month: int, exp_year: int, today: datetime.date, days: int) -> bool:
    """True when the card's last valid day (end of its month) is today or within `days` days."""
    first_of_next = datetime.date(exp_year + exp_month // 12, exp_month % 12 + 1, 1)
    last_day = first_of_next - datetime.timedelta(days=1)
    return today <= last_day <= today + datetime.timedelta(days=days)
