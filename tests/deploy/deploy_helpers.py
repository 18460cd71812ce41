"""What the deploy tests share: where things are, and which settings classes each deployed process reads."""

import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import yaml

from billpay_common.settings import ServerSettings
from billpay_common.settings_table import service_settings_classes

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"

SERVICES = {
    "gateway": 8000,
    "auth_service": 8001,
    "invoice_service": 8002,
    "payment_service": 8003,
    "notification_service": 8004,
}
WORKERS = {"notification_worker": "notification_service", "payment_worker": "payment_service"}
BACKENDS = {"auth_service", "invoice_service", "payment_service", "notification_service"}
# Every office or service credential and the service packages allowed to hold it: the gateway holds none.
CREDENTIALS = {
    "PAYMENT_SERVICE_KEY": {"payment_service"},
    "INVOICE_SERVICE_CALLERS": {"invoice_service"},
}
RETIRED_CREDENTIALS = {"OPS_API_KEY", "SERVICE_API_KEY"}  # the keys every pod once shared


def k8s_name(package):
    return package.replace("_", "-")


def package_of(process):
    """The service package a Compose/Kubernetes process runs: `payment-worker` and `payment-service-migrate`
    are payment_service."""
    underscored = process.removesuffix("-migrate").replace("-", "_")
    return WORKERS.get(underscored, underscored)


def own_credentials(process):
    """The office and service credentials the process may hold."""
    return {name for name, owners in CREDENTIALS.items() if package_of(process) in owners}


def settings_classes(process, command="web"):
    """The settings classes a deployed process reads, by its Compose/Kubernetes name and its deploy/boot.sh
    command: its service's own, and gunicorn's too when it serves ("web")."""
    own = service_settings_classes()[package_of(process)]
    return [own, ServerSettings] if command == "web" else [own]


def fields(process, command="web"):
    """{variable: its pydantic FieldInfo} of every setting the process reads."""
    return {name: field for cls in settings_classes(process, command) for name, field in cls.model_fields.items()}


def _flag(field, name):
    return bool((field.json_schema_extra or {}).get(name))


def variables(process, command="web", secret=None, local_default=None):
    """Names of the process's settings; with secret= or local_default=, only those with that flag (a secret
    comes from a Secret; a local default suits one developer machine only)."""
    return {
        name
        for name, field in fields(process, command).items()
        if (secret is None or _flag(field, "secret") == secret)
        and (local_default is None or _flag(field, "local_default") == local_default)
    }


def check_values(process, command, environment):
    """Validate the values a deployment gives a process with its own settings classes; raises on a wrong one."""
    for cls in settings_classes(process, command):
        cls(**{name: value for name, value in environment.items() if name in cls.model_fields})


def kustomize(path):
    """The documents `kubectl kustomize PATH` renders; the test is skipped, saying why, without kubectl."""
    if not shutil.which("kubectl"):
        pytest.skip("kubectl is not installed: the manifests are rendered with `kubectl kustomize`")
    result = subprocess.run(["kubectl", "kustomize", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [document for document in yaml.safe_load_all(result.stdout) if document]


def load_yaml(path):
    return yaml.safe_load(Path(path).read_text())


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
