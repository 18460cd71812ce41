from datetime import UTC, datetime

from billpay_common.clock import utcnow


def test_utcnow_is_naive_utc_as_the_columns_store_it():
    before = datetime.now(UTC).replace(tzinfo=None)
    now = utcnow()
    assert now.tzinfo is None and before <= now <= datetime.now(UTC).replace(tzinfo=None)
