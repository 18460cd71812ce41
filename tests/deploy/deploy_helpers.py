"""What the deploy tests share: where things are, and which environment variables the code reads."""
import re
import socket
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
sys.path.insert(0, str(DEPLOY / "tools"))

import kustomize_lite  # noqa: E402,F401  (deploy/tools is not a package; the tests import it from here)

SERVICES = {"gateway": 8000, "auth_service": 8001, "invoice_service": 8002, "payment_service": 8003,
            "notification_service": 8004}
WORKERS = {"notification_worker": "notification_service", "payment_worker": "payment_service"}

_READS = (
    re.compile(r"\benv(?:_int|_bool)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']"),
    re.compile(r"os\.environ(?:\.get)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']"),
    re.compile(r"os\.environ\[\s*[\"']([A-Z][A-Z0-9_]*)[\"']"),
    re.compile(r"\$\{([A-Z][A-Z0-9_]*):-"),  # shell defaults in deploy/boot.sh
)
_DATABASE = re.compile(r"database_url\(\s*[\"'](\w+)[\"']\s*\)")


def config_sources():
    """Every file whose environment reads an image must satisfy."""
    configs = [path for path in REPO.glob("*/*/config.py")
               if not any(part.startswith(".") for part in path.relative_to(REPO).parts)]
    return sorted(configs) + [REPO / "billpay_common" / "config.py", DEPLOY / "gunicorn.conf.py", DEPLOY / "boot.sh"]


def config_variables():
    """Names of the environment variables read anywhere in config_sources(), less test-only knobs."""
    names = set()
    for path in config_sources():
        text = path.read_text()
        for pattern in _READS:
            names.update(pattern.findall(text))
        names.update(f"{service.upper()}_DATABASE_URL" for service in _DATABASE.findall(text))
    return {name for name in names if "_TEST_" not in name and name not in {"PYTHONPATH", "SERVICE"}}


def is_secret(name):
    return (name.endswith(("_DATABASE_URL", "_KEY", "_PASSWORD", "_TOKEN")) or "SECRET" in name
            or name in {"REDIS_URL", "SMTP_URL"})


def load_yaml(path):
    return yaml.safe_load(Path(path).read_text())


def k8s_name(package):
    return package.replace("_", "-")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
