"""Card expiry rules, pure: the card itself is entered in the processor's fields, so expiry (from the processor's
description of a token) is all payment_service checks."""

import datetime

from billpay_common.card_expiry import expiry_problem, full_year

__all__ = ["expires_within", "expiry_problem", "full_year"]


def expires_within(exp_month: int, exp_year: int, today: datetime.date, days: int) -> bool:
    """True when the card's last valid day (end of its month) is today or within `days` days."""
    first_of_next = datetime.date(exp_year + exp_month // 12, exp_month % 12 + 1, 1)
    last_day = first_of_next - datetime.timedelta(days=1)
    return today <= last_day <= today + datetime.timedelta(days=days)
