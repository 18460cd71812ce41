"""Every service and billpay_common is an installable package: its dependencies pinned once in constraints.txt,
its wheel carrying its migrations and templates but no tests, its office commands working from any folder."""

import importlib.metadata
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from deploy_helpers import REPO, SERVICES
from packaging.requirements import Requirement

PACKAGES = ["billpay_common", *SERVICES]
CONSOLE_SCRIPTS = {
    "auth_service": "billpay-auth",
    "invoice_service": "billpay-invoice",
    "payment_service": "billpay-payment",
    "notification_service": "billpay-notification",
}


def pins():
    found = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            requirement = Requirement(line)
            name = requirement.name.replace("_", "-").replace(".", "-").lower()
            assert name not in found, f"{requirement.name} is pinned twice"
            found[name] = str(requirement.specifier)
    return found


def project(package):
    return tomllib.loads((REPO / package / "pyproject.toml").read_text())["project"]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_dependency_of_a_package_is_pinned_exactly_in_the_constraints(package):
    pinned = pins()
    for dependency in project(package)["dependencies"]:
        requirement = Requirement(dependency)
        assert not requirement.specifier, f"{package} pins {dependency}: pins belong in constraints.txt"
        name = requirement.name.replace("_", "-").lower()
        if name.startswith("billpay-"):
            continue
        assert pinned.get(name, "").startswith("=="), f"{name} ({package}) is not pinned in constraints.txt"
        for extra in requirement.extras:
            assert pinned.get(f"{name}-{extra}") or name == "flask-limiter", f"{name}[{extra}] unpinned"


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    """Built from copies of the sources, as an image build does, so that no build/ folder lands in the tree."""
    sources, folder = tmp_path_factory.mktemp("sources"), tmp_path_factory.mktemp("wheels")
    for package in PACKAGES:
        shutil.copytree(
            REPO / package, sources / package, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
        )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(folder),
            *(str(sources / package) for package in PACKAGES),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return {wheel.name.split("-")[0]: zipfile.ZipFile(wheel).namelist() for wheel in folder.glob("*.whl")}


def wheel_of(wheels, package):
    return wheels[project(package)["name"].replace("-", "_")]


@pytest.mark.parametrize("package", PACKAGES)
def test_a_wheel_holds_its_package_and_no_tests(wheels, package):
    names = wheel_of(wheels, package)
    assert f"{package}/__init__.py" in names
    assert not [name for name in names if "/tests/" in name or name.startswith("tests/") or "__pycache__" in name]


@pytest.mark.parametrize("package", ["auth_service", "invoice_service", "payment_service", "notification_service"])
def test_a_service_wheel_carries_its_migrations(wheels, package):
    names = wheel_of(wheels, package)
    assert f"{package}/migrations/env.py" in names and f"{package}/migrations/alembic.ini" in names
    assert [name for name in names if name.startswith(f"{package}/migrations/versions/") and name.endswith(".py")]


def test_templates_and_static_files_travel_in_the_wheels(wheels):
    assert "notification_service/templates/email/payment.receipt.html" in wheel_of(wheels, "notification_service")
    gateway = wheel_of(wheels, "gateway")
    assert "gateway/portal/templates/billing.html" in gateway and "gateway/portal/static/portal.css" in gateway


@pytest.mark.parametrize("package", sorted(CONSOLE_SCRIPTS))
def test_office_commands_run_from_any_folder_without_pythonpath(tmp_path, package):
    script = Path(sys.executable).parent / CONSOLE_SCRIPTS[package]
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update(
        BILLPAY_VAR_DIR=str(tmp_path / "var"),
        **{f"{name.upper()}_DATABASE_URL": f"sqlite:///{tmp_path}/{name}.db" for name in CONSOLE_SCRIPTS},
    )
    result = subprocess.run(
        [str(script), "db", "upgrade"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    current = subprocess.run(
        [str(script), "db", "current"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert "(head)" in current.stdout


def test_the_constraints_pin_every_distribution_installed_for_development():
    """The lock is whole: nothing in the development environment came in at a version nobody chose."""
    pinned = pins()
    installed = {
        dist.metadata["Name"].replace("_", "-").replace(".", "-").lower(): dist.version
        for dist in importlib.metadata.distributions()
    }
    unpinned = {
        name: version
        for name, version in installed.items()
        if name.replace(".", "-") not in {key.replace(".", "-") for key in pinned}
        and not name.startswith("billpay-")
        and name not in {"pip", "setuptools"}
    }
    assert not unpinned, f"installed but not in constraints.txt: {unpinned}"
    differ = {
        name: (version, pinned[name])
        for name, version in installed.items()
        if name in pinned and pinned[name] != f"=={version}"
    }
    assert not differ, f"installed at another version than constraints.txt pins: {differ}"
