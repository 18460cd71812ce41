"""Pooled database connections: a connection that has sat idle in the pool is pinged before use, one in steady
use is not.

SQLAlchemy's `pool_pre_ping` sends a `SELECT 1` at every checkout: a round trip to the database on every
request, and more where a request checks out several times (a payment gives its connection back across each
outside call). The ping exists for the connection that went stale while it sat unused (the database restarted,
a proxy dropped it), so it is kept for exactly that: a connection idle for `IDLE_BEFORE_PING_SECONDS` is pinged,
and a failed ping invalidates the pool, as pre-ping does, through the checkout listener SQLAlchemy documents
(`DisconnectionError` in a `checkout` event). A database that goes away leaves every pooled connection idle
for longer than that before it is back, and a connection that meets the outage while in use is invalidated
with the pool anyway."""

import time

from sqlalchemy import event, exc
from sqlalchemy.pool import Pool

IDLE_BEFORE_PING_SECONDS = 1.0
IDLE_SINCE = "billpay_idle_since"


def _checked_in(dbapi_connection, record):
    record.info[IDLE_SINCE] = time.monotonic()


def _checked_out(dbapi_connection, record, proxy):
    idle_since = record.info.pop(IDLE_SINCE, None)
    if idle_since is None or time.monotonic() - idle_since < IDLE_BEFORE_PING_SECONDS:
        return  # a new connection, or one given back a moment ago
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()  # the ping began no transaction of the caller's
    except Exception as error:
        raise exc.InvalidatePoolError(f"a pooled connection was stale: {error}") from error


def ping_idle_connections():
    """For every pool of this process (idempotent)."""
    if not event.contains(Pool, "checkout", _checked_out):
        event.listen(Pool, "checkin", _checked_in)
        event.listen(Pool, "checkout", _checked_out)
