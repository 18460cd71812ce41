"""bandit finds no high-severity issue in the service packages; pip-audit finds no known vulnerability in the
pinned versions (constraints.txt). The audit needs an advisory database: when none can be reached (or it answers
nothing for a known-vulnerable canary), the test is SKIPPED saying so; it never passes on an audit that did not
happen."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = [
    "billpay_common",
    "auth_service/auth_service",
    "invoice_service/invoice_service",
    "payment_service/payment_service",
    "notification_service/notification_service",
    "gateway/gateway",
]
BIN = Path(sys.executable).parent
CANARY = "jinja2==3.1.2"  # has published advisories (e.g. CVE-2024-22195): an audit that misses it saw nothing
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s;#]+)")


def _tool(name):
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed: make setup")
    return str(path)


def test_bandit_finds_no_high_severity_issue():
    result = subprocess.run(
        [_tool("bandit"), "-q", "-r", *PACKAGES, "-f", "json"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    report = json.loads(result.stdout)
    assert not report["errors"], report["errors"]
    high = [
        f"{item['filename']}:{item['line_number']} {item['test_id']} {item['issue_text']}"
        for item in report["results"]
        if item["issue_severity"] == "HIGH"
    ]
    assert not high, "\n".join(high)
    assert report["metrics"]["_totals"]["loc"] > 1000  # it did read the code


def pinned_requirements():
    """Every `name==version` of constraints.txt, the one file that pins what development and the images install."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if match := PIN.match(line.strip()):
            pins[match.group(1).lower()] = f"{match.group(1)}=={match.group(3)}"
    return sorted(pins.values())


def _audit(requirements, tmp_path, name):
    listing = tmp_path / f"{name}.txt"
    listing.write_text("\n".join(requirements) + "\n")
    result = subprocess.run(
        [
            _tool("pip-audit"),
            "-r",
            str(listing),
            "--no-deps",
            "--disable-pip",
            "--progress-spinner",
            "off",
            "-f",
            "json",
            "--timeout",
            "20",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        return json.loads(result.stdout), result
    except ValueError:
        return None, result


def test_pip_audit_finds_no_known_vulnerability_in_pinned_requirements(tmp_path):
    canary, result = _audit([CANARY], tmp_path, "canary")
    if canary is None or not any(dependency.get("vulns") for dependency in canary["dependencies"]):
        reason = (result.stderr.strip().splitlines() or ["no answer"])[-1][:300]
        if canary:
            reason = "; ".join(d.get("skip_reason", "") for d in canary["dependencies"]) or reason
        pytest.skip(f"the vulnerability advisory database cannot be reached, so nothing was audited ({reason})")
    requirements = pinned_requirements()
    assert len(requirements) > 20, requirements
    report, result = _audit(requirements, tmp_path, "pinned")
    assert report is not None, result.stderr[-2000:]
    unaudited = [f"{d['name']}: {d['skip_reason']}" for d in report["dependencies"] if d.get("skip_reason")]
    vulnerable = [
        f"{d['name']} {d['version']}: "
        + ", ".join(f"{v['id']} (fixed in {', '.join(v['fix_versions'])})" for v in d["vulns"])
        for d in report["dependencies"]
        if d.get("vulns")
    ]
    assert not vulnerable, "\n".join(vulnerable)
    assert not unaudited, "could not be audited:\n" + "\n".join(unaudited)
