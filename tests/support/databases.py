"""Databases of their own for one set of service processes in CI's PostgreSQL pass."""

import os
import uuid

SERVICE_DATABASES = ("auth_service", "invoice_service", "payment_service", "notification_service")


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

    return psycopg.connect(
        host=url.host, port=url.port or 5432, user=url.username, dbname=url.database, autocommit=True
    )
