"""The gateway on its own (every service down), or routing /api/auth/* to a real auth_service over HTTP."""

import contextlib

import pytest

from gateway import create_app
from gateway.config import Config
from tests.support.service_apps import offline_gateway_config, service_app
from tests.support.serving import served


@contextlib.contextmanager
def auth_service_app(redis_url, directory):
    from auth_service import create_app
    from auth_service.config import Config

    with service_app(
        create_app,
        Config,
        "auth_service",
        redis_url,
        directory,
        ARGON2_TIME_COST=1,
        ARGON2_MEMORY_COST=1024,
        ARGON2_PARALLELISM=1,
    ) as app:
        yield app


@pytest.fixture(scope="session")
def app(redis_url, tmp_path_factory):
    return create_app(gateway_config(redis_url, tmp_path_factory))


def gateway_config(redis_url, tmp_path_factory, **settings):
    return offline_gateway_config(Config, redis_url, tmp_path_factory.mktemp("gateway"), **settings)


@pytest.fixture(scope="session")
def make_gateway(redis_url, tmp_path_factory):
    """make_gateway(REDIS_URL=..., INTERNAL_PORT=...) -> a gateway app with those settings changed."""

    def make(**settings):
        settings.setdefault("REDIS_URL", redis_url)
        return create_app(gateway_config(redis_url, tmp_path_factory, **settings))

    return make


@pytest.fixture(scope="session")
def auth_service(redis_url, tmp_path_factory):
    """The real auth_service over HTTP: (its app, its base URL)."""
    with auth_service_app(redis_url, tmp_path_factory.mktemp("auth")) as auth_app, served(auth_app) as url:
        yield auth_app, url


@pytest.fixture(scope="session")
def gateway_to_auth(make_gateway, auth_service):
    """The gateway routing /api/auth/* to the real auth_service (the other services are down)."""
    return make_gateway(AUTH_SERVICE_URL=auth_service[1])
