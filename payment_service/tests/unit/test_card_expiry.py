import datetime

import pytest

from payment_service import cards

TODAY = datetime.date(2026, 11, 25)


@pytest.mark.parametrize(
    "month, year, expiring",
    [(12, 2026, False), (11, 2026, True), (1, 2027, False), (10, 2026, False)],
)
def test_expires_within_counts_to_the_end_of_the_month(month, year, expiring):
    assert cards.expires_within(month, year, TODAY, 30) is expiring
    assert cards.expires_within(12, 2026, datetime.date(2026, 12, 5), 30)
