"""Helpers shared by every test suite: where the real Redis and databases are."""
import os
import uuid


def database_url(service, directory):
    """The service's database for tests: `<SERVICE>_DATABASE_URL` when CI sets one, else a fresh SQLite file."""
    return os.environ.get(f"{service.upper()}_DATABASE_URL") or f"sqlite:///{directory}/{service}.db"


def unique_prefix():
    """Redis key prefix of one test session, so runs sharing a Redis never see each other's keys."""
    return f"test-{uuid.uuid4().hex[:12]}:"


def unique_account():
    """A random account number, so tests need no clean-up."""
    return str(uuid.uuid4().int % 10**9 + 10**9)
