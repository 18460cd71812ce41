"""A service suite's app: a migrated database of its own and a Redis key prefix."""

import contextlib
import os
import uuid

from billpay_common.migrations import enable_migrations
from billpay_common.service_auth import digest

# payment_service's own key in the suites (PAYMENT_SERVICE_KEY), and what invoice_service accepts for it
PAYMENT_SERVICE_KEY = "payment-service-key-for-tests-0123456789"
INVOICE_SERVICE_CALLERS = f"payment_service={digest(PAYMENT_SERVICE_KEY)}"
NOWHERE = "http://127.0.0.1:9"  # a service URL nothing listens at


def config_for_tests(base, **settings):
    """A subclass of a service's Config for its tests: TESTING and `settings`."""
    return type(f"Test{base.__name__}", (base,), {"TESTING": True, **settings})


@contextlib.contextmanager
def service_app(create_app, base, service, redis_url, directory, **settings):
    """`service`'s app on a migrated database of its own (in `directory`, or CI's), with a Redis key prefix of its
    own; `settings` override the rest of `base`."""
    config = config_for_tests(
        base,
        SQLALCHEMY_DATABASE_URI=database_url(service, directory),
        REDIS_URL=redis_url,
        REDIS_KEY_PREFIX=unique_prefix(),
        **settings,
    )
    with migrated_app(create_app, config) as app:
        yield app


def offline_gateway_config(base, redis_url, var_dir, **settings):
    """The gateway's Config with every service it calls unreachable (unless `settings` name one): for what the
    gateway does on its own."""
    offline = dict(
        REDIS_URL=redis_url,
        REDIS_KEY_PREFIX=unique_prefix(),
        BILLPAY_VAR_DIR=var_dir,
        AUTH_SERVICE_URL=NOWHERE,
        INVOICE_SERVICE_URL=NOWHERE,
        PAYMENT_SERVICE_URL=NOWHERE,
        NOTIFICATION_SERVICE_URL=NOWHERE,
    )
    return config_for_tests(base, **{**offline, **settings})


def database_url(service, directory):
    """The service's database for tests: `<SERVICE>_DATABASE_URL` when CI sets one, else a fresh SQLite file."""
    return os.environ.get(f"{service.upper()}_DATABASE_URL") or f"sqlite:///{directory}/{service}.db"


def unique_prefix():
    """Redis key prefix of one test session, so runs sharing a Redis never see each other's keys."""
    return f"test-{uuid.uuid4().hex[:12]}:"


def unmigrated_app(create_app, base, database_file, redis_url):
    """A service's app on a new SQLite file that no migration has run on, for the migrations' own tests."""
    config = config_for_tests(
        base,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{database_file}",
        REDIS_URL=redis_url,
        REDIS_KEY_PREFIX=unique_prefix(),
        BILLPAY_VAR_DIR=database_file.parent,
    )
    return create_app(config)


@contextlib.contextmanager
def migrated_app(create_app, config_class):
    """A service's app on a migrated database; its pooled connections are closed at the end, not left to the
    garbage collector (PostgreSQL connections collected open raise ResourceWarnings, errors under pytest)."""
    from flask_migrate import upgrade

    app = create_app(config_class)
    enable_migrations(app)
    with app.app_context():
        upgrade()
    try:
        yield app
    finally:
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()
