"""deploy/docker-compose.yml: the whole stack on one machine, checked without a container engine."""

import re
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
from deploy_helpers import (
    CREDENTIALS,
    DEPLOY,
    RETIRED_CREDENTIALS,
    SERVICES,
    WORKERS,
    check_values,
    k8s_name,
    load_yaml,
    own_credentials,
    variables,
)

COMPOSE = DEPLOY / "docker-compose.yml"
MIGRATED = ["auth_service", "invoice_service", "payment_service", "notification_service"]


@pytest.fixture(scope="module")
def services():
    return load_yaml(COMPOSE)["services"]


def test_compose_file_has_the_infrastructure_every_service_every_worker_and_migrations(services):
    expected = {"postgres", "redis", "mailpit"} | {k8s_name(name) for name in list(SERVICES) + list(WORKERS)}
    expected |= {f"{k8s_name(name)}-migrate" for name in MIGRATED}
    assert expected <= set(services)


def test_only_the_gateway_is_published_to_the_host(services):
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"gateway"}
    assert [port.rsplit(":", 1)[-1] for port in services["gateway"]["ports"]] == ["8000", "8020"]


def test_the_office_console_is_published_on_the_loopback_address_only(services):
    gateway = services["gateway"]
    assert gateway["environment"]["CONSOLE_PORT"] == "8020"
    assert [port for port in gateway["ports"] if port.endswith(":8020")] == ["127.0.0.1:${CONSOLE_HOST_PORT-8020}:8020"]


@pytest.mark.parametrize("package", list(SERVICES))
def test_each_service_builds_its_own_image_and_listens_on_its_port(services, package):
    service = services[k8s_name(package)]
    assert service["build"]["args"]["SERVICE"] == package
    assert service["build"]["dockerfile"] == "deploy/Dockerfile"
    assert service["environment"]["PORT"] == str(SERVICES[package])
    assert service["healthcheck"]["test"][-1] == "/readyz"


@pytest.mark.parametrize("package", MIGRATED)
def test_each_database_service_starts_after_its_migration_and_uses_its_own_database(services, package):
    name = k8s_name(package)
    migrate = services[f"{name}-migrate"]
    assert migrate["command"] == ["migrate"] and migrate["image"] == services[name]["image"]
    assert migrate["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert services[name]["depends_on"][f"{name}-migrate"] == {"condition": "service_completed_successfully"}
    url = urlsplit(services[name]["environment"][f"{package.upper()}_DATABASE_URL"])
    assert (url.scheme, url.hostname, url.path) == ("postgresql+psycopg", "postgres", f"/{package}")
    init_sql = (DEPLOY / "postgres" / "init-databases.sql").read_text()
    assert f"CREATE DATABASE {package} OWNER {url.username};" in init_sql


def test_workers_run_the_worker_command_of_their_service_image(services):
    for worker, package in WORKERS.items():
        service = services[k8s_name(worker)]
        assert service["command"] == ["worker"]
        assert service["image"] == services[k8s_name(package)]["image"]
        assert service["depends_on"][f"{k8s_name(package)}-migrate"]["condition"] == "service_completed_successfully"


def test_the_gateway_waits_for_the_services_it_calls_to_be_healthy(services):
    depends = services["gateway"]["depends_on"]
    for name in ("auth-service", "invoice-service", "payment-service"):
        assert depends[name] == {"condition": "service_healthy"}


def test_infrastructure_has_health_checks(services):
    for name in ("postgres", "redis", "mailpit"):
        assert services[name]["healthcheck"]["test"]


def test_service_urls_point_at_the_compose_services_and_their_ports(services):
    environment = services["gateway"]["environment"]
    for package, port in SERVICES.items():
        if package == "gateway":
            continue
        url = urlsplit(environment[f"{package.upper()}_URL"])
        assert (url.hostname, url.port) == (k8s_name(package), port)
    assert urlsplit(environment["SMTP_URL"]).hostname == "mailpit"
    assert urlsplit(environment["REDIS_URL"]).hostname == "redis"


PROCESSES = [k8s_name(n) for n in list(SERVICES) + list(WORKERS)] + [f"{k8s_name(n)}-migrate" for n in MIGRATED]


def _command(service):
    return service.get("command", ["web"])[0]


@pytest.mark.parametrize("name", PROCESSES)
def test_every_setting_without_a_safe_embedded_default_is_set_for_every_process(services, name):
    service = services[name]
    missing = variables(name, _command(service), local_default=True) - set(service["environment"])
    assert not missing, f"add to deploy/docker-compose.yml (x-environment or the service's own): {sorted(missing)}"


@pytest.mark.parametrize("name", PROCESSES)
def test_the_values_compose_gives_pass_the_settings_validation(services, name):
    """`${NAME:-default}` is read as its default, as Compose does when NAME is unset."""
    environment = {
        key: re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value)) for key, value in services[name]["environment"].items()
    }
    check_values(name, _command(services[name]), environment)


@pytest.mark.parametrize("name", PROCESSES)
def test_each_process_holds_only_its_own_credentials(services, name):
    held = set(services[name]["environment"]) & (set(CREDENTIALS) | RETIRED_CREDENTIALS)
    assert held == own_credentials(name), f"{name} holds {sorted(held)}"


def test_the_gateway_holds_no_office_or_service_credential_under_any_name(services):
    gateway = {key: str(value) for key, value in services["gateway"]["environment"].items()}
    assert not set(gateway) & (set(CREDENTIALS) | RETIRED_CREDENTIALS)
    credential_values = {
        str(value)
        for service in services.values()
        for key, value in service.get("environment", {}).items()
        if key in CREDENTIALS
    }
    assert credential_values and not credential_values & set(gateway.values())


def test_invoice_service_accepts_the_key_compose_gives_payment_service(services):
    from billpay_common.service_auth import identify_caller, parse_callers

    def default(value):
        return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value))

    key = default(services["payment-service"]["environment"]["PAYMENT_SERVICE_KEY"])
    accepted = parse_callers(default(services["invoice-service"]["environment"]["INVOICE_SERVICE_CALLERS"]))
    assert identify_caller(key, accepted) == "payment_service"
    assert (
        services["payment-worker"]["environment"]["PAYMENT_SERVICE_KEY"]
        == services["payment-service"]["environment"]["PAYMENT_SERVICE_KEY"]
    )


@pytest.mark.skipif(
    not shutil.which("docker-compose"),
    reason="docker-compose not installed (apt-get install --no-install-recommends docker-compose)",
)
@pytest.mark.parametrize("files", [["docker-compose.yml"], ["docker-compose.yml", "docker-compose.inbox.yml"]])
def test_docker_compose_accepts_the_file(files):
    arguments = [argument for name in files for argument in ("-f", str(DEPLOY / name))]
    result = subprocess.run(["docker-compose", *arguments, "config", "-q"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
