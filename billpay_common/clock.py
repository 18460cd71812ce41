"""The one clock of the services' tables: naive UTC datetimes, as every DateTime column stores them."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
