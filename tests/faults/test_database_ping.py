"""billpay_common.database: after the database drops every connection (a restart, a proxy cut), the next
checkout of a connection that sat idle pings it, finds it stale and reconnects, so the first request works; a
connection in steady use is not pinged. Against PostgreSQL through a cuttable TCP proxy (CI's second pass);
SQLite has no connection to lose."""

import os
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from tcp_proxy import TcpProxy

from billpay_common import database

POSTGRES = next(
    (url for key, url in os.environ.items() if key.endswith("_DATABASE_URL") and url.startswith("postgresql")), None
)
pytestmark = pytest.mark.skipif(POSTGRES is None, reason="needs PostgreSQL (CI's second pass sets *_DATABASE_URL)")


@pytest.fixture
def proxied_engine():
    url = make_url(POSTGRES)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    engine = create_engine(url.set(host="127.0.0.1", port=proxy.port), pool_size=2)
    database.ping_idle_connections()
    yield engine, proxy
    engine.dispose()
    proxy.close()


def backend_pid(engine):
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar()


def test_a_connection_idle_through_a_lost_link_is_replaced_before_the_first_request_uses_it(
    proxied_engine, monkeypatch
):
    engine, proxy = proxied_engine
    monkeypatch.setattr(database, "IDLE_BEFORE_PING_SECONDS", 0.2)
    before = backend_pid(engine)
    proxy.cut()
    proxy.restore()
    time.sleep(0.3)
    assert backend_pid(engine) != before  # no error: the stale connection was pinged and replaced


def test_a_connection_in_steady_use_is_not_pinged_so_a_lost_link_fails_that_one_use(proxied_engine, monkeypatch):
    engine, proxy = proxied_engine
    monkeypatch.setattr(database, "IDLE_BEFORE_PING_SECONDS", 60)
    backend_pid(engine)
    proxy.cut()
    proxy.restore()
    with pytest.raises(Exception, match="(?i)closed|terminat|connection|server"):
        backend_pid(engine)
    assert backend_pid(engine)  # that failure invalidated the pool: the next use connects afresh
