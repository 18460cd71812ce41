"""Helpers shared by every test suite: where the real Redis and databases are."""
import contextlib
import os
import uuid

OPS_KEY = "ops-key-for-tests"  # what every service suite configures as OPS_API_KEY
SERVICE_DATABASES = ("auth_service", "invoice_service", "payment_service", "notification_service")


def database_url(service, directory):
    """The service's database for tests: `<SERVICE>_DATABASE_URL` when CI sets one, else a fresh SQLite file."""
    return os.environ.get(f"{service.upper()}_DATABASE_URL") or f"sqlite:///{directory}/{service}.db"


def fresh_postgres_databases(label, services=SERVICE_DATABASES):
    """In CI's PostgreSQL pass, databases of their own for one set of service processes (`label_service_xxxx`),
    so the services' suites and those processes never see each other's rows; ({}, []) on the embedded defaults,
    where each set gets fresh SQLite files instead. Returns (environment settings, what drop_databases takes)."""
    from sqlalchemy.engine import make_url

    urls, created = {}, []
    for service in services:
        base = os.environ.get(f"{service.upper()}_DATABASE_URL", "")
        if not base.startswith("postgresql"):
            continue
        url = make_url(base)
        name = f"{label}_{service}_{uuid.uuid4().hex[:8]}"
        with _postgres_admin(url) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        created.append((url, name))
        urls[f"{service.upper()}_DATABASE_URL"] = url.set(database=name).render_as_string(hide_password=False)
    return urls, created


def drop_databases(created):
    for url, name in created:
        with _postgres_admin(url) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_admin(url):
    import psycopg

    return psycopg.connect(host=url.host, port=url.port or 5432, user=url.username, dbname=url.database,
                           autocommit=True)


def unique_prefix():
    """Redis key prefix of one test session, so runs sharing a Redis never see each other's keys."""
    return f"test-{uuid.uuid4().hex[:12]}:"


def unique_account():
    """A random account number, so tests need no clean-up."""
    return str(uuid.uuid4().int % 10**9 + 10**9)


class TestTokens:
    """Subscriber tokens for a service's own tests, signed by a key the test app trusts (no auth_service)."""

    def __init__(self):
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        self.private_key = Ed25519PrivateKey.generate()
        self.kid = uuid.uuid4().hex

    def install(self, app):
        """Make `app` verify tokens with this key instead of fetching auth_service's JWKS."""
        import jwt

        public = jwt.PyJWK(jwt.algorithms.OKPAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True),
                           algorithm="EdDSA")
        verifier = app.extensions["billpay_tokens"]

        def lookup(token):
            if jwt.get_unverified_header(token).get("kid") != self.kid:
                raise jwt.PyJWKClientError("unknown key id")
            return public

        verifier.key_lookup = lookup

    def issue(self, account, name="Test Subscriber", ttl=900):
        import time

        import jwt

        now = int(time.time())
        claims = {"sub": account, "name": name, "iat": now, "exp": now + ttl, "jti": uuid.uuid4().hex,
                  "iss": "billpay-auth", "aud": "billpay"}
        return jwt.encode(claims, self.private_key, algorithm="EdDSA", headers={"kid": self.kid})

    def headers(self, account, **kwargs):
        return {"Authorization": f"Bearer {self.issue(account, **kwargs)}"}


@contextlib.contextmanager
def migrated_app(create_app, config_class):
    """A service's app on a migrated database; its pooled connections are closed at the end, not left to the
    garbage collector (PostgreSQL connections collected open raise ResourceWarnings, errors under pytest)."""
    from flask_migrate import upgrade

    app = create_app(config_class)
    with app.app_context():
        upgrade()
    try:
        yield app
    finally:
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()
