"""The Kustomize base and production overlay: rendered with `kubectl kustomize`, schema-checked, and checked
for what the operator relies on (probes, limits, non-root, autoscaling, network isolation, and every setting
each process's settings classes read)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from deploy_helpers import (
    CREDENTIALS,
    DEPLOY,
    RETIRED_CREDENTIALS,
    SERVICES,
    check_values,
    k8s_name,
    kustomize,
    own_credentials,
    variables,
)

K8S = DEPLOY / "k8s"
PRODUCTION = K8S / "overlays" / "production"
WEB = [k8s_name(package) for package in SERVICES]
MIGRATED = ["auth-service", "invoice-service", "payment-service", "notification-service"]
# next to the interpreter running the tests (the project's virtual environment), else on PATH
VALIDATOR = shutil.which("kubernetes-validate", path=str(Path(sys.executable).parent)) or shutil.which(
    "kubernetes-validate"
)


@pytest.fixture(scope="module")
def production():
    return kustomize(PRODUCTION)


def find(documents, kind, name=None):
    found = [d for d in documents if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)]
    return found if name is None else (found[0] if found else None)


def pod_of(document):
    return document["spec"]["template"]["spec"]


@pytest.mark.parametrize("overlay", [K8S / "base", PRODUCTION], ids=["base", "production"])
@pytest.mark.parametrize("version", ["1.30.0", "1.37.0"])
def test_every_rendered_manifest_passes_strict_schema_validation(overlay, version, tmp_path):
    assert VALIDATOR, "kubernetes-validate is not installed: make setup"
    rendered = tmp_path / "rendered.yaml"
    rendered.write_text(yaml.safe_dump_all(kustomize(overlay)))
    result = subprocess.run(
        [VALIDATOR, "--strict", "--quiet", "-k", version, str(rendered)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_strict_schema_validation_rejects_a_misspelt_field(production, tmp_path):
    broken = find(production, "Deployment", "gateway")
    pod_of(broken)["containers"][0]["readynessProbe"] = {"httpGet": {"path": "/readyz", "port": "http"}}
    rendered = tmp_path / "broken.yaml"
    rendered.write_text(yaml.safe_dump(broken))
    result = subprocess.run([VALIDATOR, "--strict", "--quiet", str(rendered)], capture_output=True, text=True)
    assert result.returncode != 0 and "readynessProbe" in result.stdout + result.stderr


@pytest.mark.parametrize("name", WEB)
def test_each_service_has_deployment_service_autoscaler_and_disruption_budget(production, name):
    for kind in ("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"):
        assert find(production, kind, name), f"{kind} {name} missing"
    hpa = find(production, "HorizontalPodAutoscaler", name)
    assert hpa["apiVersion"] == "autoscaling/v2" and hpa["spec"]["scaleTargetRef"]["name"] == name
    assert 1 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]
    assert "replicas" not in find(production, "Deployment", name)["spec"], "the HPA, not the Deployment, sets replicas"


@pytest.mark.parametrize("name", MIGRATED)
def test_each_database_service_has_a_migration_job_and_waits_for_it(production, name):
    job = find(production, "Job", f"{name}-migrate")
    assert pod_of(job)["containers"][0]["args"] == ["migrate"]
    assert pod_of(job)["restartPolicy"] == "Never"
    init = pod_of(find(production, "Deployment", name))["initContainers"]
    assert [container["args"] for container in init] == [["wait-for-schema"]]


@pytest.mark.parametrize("name", WEB)
def test_service_pods_probe_readyz_and_healthz_with_limits_as_non_root(production, name):
    pod = pod_of(find(production, "Deployment", name))
    container = next(c for c in pod["containers"] if c["name"] == name)
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert {"cpu", "memory"} <= set(container["resources"]["requests"]) & set(container["resources"]["limits"])
    assert container["image"] == f"registry.example.com/billpay/{name}:1.0.0"
    assert {"name": "PORT", "value": str(SERVICES[name.replace("-", "_")])} in container["env"]
    assert pod["securityContext"]["runAsNonRoot"] and pod["securityContext"]["runAsUser"] != 0
    assert container["securityContext"]["readOnlyRootFilesystem"]
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert pod["automountServiceAccountToken"] is False


def test_workers_run_the_worker_command_and_the_notification_worker_autoscales(production):
    for name, image in (("notification-worker", "notification-service"), ("payment-worker", "payment-service")):
        container = pod_of(find(production, "Deployment", name))["containers"][0]
        assert container["args"] == ["worker"]
        assert container["image"].endswith(f"/billpay/{image}:1.0.0")
        assert container["securityContext"]["readOnlyRootFilesystem"]
    assert find(production, "HorizontalPodAutoscaler", "notification-worker")["spec"]["maxReplicas"] > 1
    payment_worker = find(production, "Deployment", "payment-worker")["spec"]
    assert payment_worker["replicas"] == 1 and payment_worker["strategy"]["type"] == "Recreate"


def test_ingress_exposes_only_the_gateway(production):
    [ingress] = find(production, "Ingress")
    backends = {
        path["backend"]["service"]["name"] for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]
    }
    assert backends == {"gateway"}
    assert ingress["spec"]["tls"][0]["secretName"]
    assert all(service["spec"].get("type", "ClusterIP") == "ClusterIP" for service in find(production, "Service"))


def _allowed_sources(production, name):
    rules = []
    for policy in find(production, "NetworkPolicy"):
        selector = policy["spec"]["podSelector"].get("matchLabels", {})
        if selector.get("app.kubernetes.io/name") == name:
            rules += [source for rule in policy["spec"].get("ingress", []) for source in rule["from"]]
    return rules


def _pod_names(source):
    return set(source["podSelector"]["matchExpressions"][0]["values"]) if "podSelector" in source else set()


def test_network_policies_deny_by_default_and_admit_the_gateway_and_ops(production):
    deny = [p for p in find(production, "NetworkPolicy") if p["spec"]["podSelector"] == {}]
    assert deny and "ingress" not in deny[0]["spec"] and deny[0]["spec"]["policyTypes"] == ["Ingress"]
    for name in WEB:
        sources = _allowed_sources(production, name)
        assert sources and all(source for source in sources), f"{name} admits every pod"
        assert {"namespaceSelector": {"matchLabels": {"billpay.io/ops": "true"}}} in sources
    assert {"gateway"} <= set().union(*map(_pod_names, _allowed_sources(production, "payment-service")))
    assert set().union(*map(_pod_names, _allowed_sources(production, "payment-service"))) == {"gateway"}
    namespaces = [s["namespaceSelector"] for s in _allowed_sources(production, "gateway") if "namespaceSelector" in s]
    assert {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}} in namespaces
    for worker in ("notification-worker", "payment-worker"):
        assert _allowed_sources(production, worker) == [], f"{worker} has no listener and admits nobody"


def test_the_office_console_has_a_cluster_ip_service_of_its_own_and_no_ingress(production):
    console = find(production, "Service", "gateway-console")
    assert console["spec"]["type"] == "ClusterIP"
    assert [(port["port"], port["targetPort"]) for port in console["spec"]["ports"]] == [(9200, "console")]
    public = find(production, "Service", "gateway")
    assert [port["targetPort"] for port in public["spec"]["ports"]] == ["http"]
    container = pod_of(find(production, "Deployment", "gateway"))["containers"][0]
    assert {"name": "console", "containerPort": 9200} in container["ports"]
    assert find(production, "ConfigMap", "gateway-config")["data"]["CONSOLE_PORT"] == "9200"
    for rule in find(production, "NetworkPolicy", "gateway-ingress")["spec"]["ingress"]:
        ports = {port["port"] for port in rule["ports"]}
        from_ingress = any("ingress-nginx" in str(source) for source in rule["from"])
        assert not (from_ingress and "console" in ports), "the Ingress controller must not reach the console port"


def _secret_example():
    lines = (K8S / "secrets.example.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def _processes(production):
    """(process name, boot.sh command, {variable: where it comes from}) for every container that runs."""
    config_maps = {document["metadata"]["name"]: document.get("data", {}) for document in find(production, "ConfigMap")}
    for document in find(production, "Deployment") + find(production, "Job"):
        pod = pod_of(document)
        for container in pod["containers"] + pod.get("initContainers", []):
            sources = {}
            for reference in container.get("envFrom", []):
                sources.update(dict.fromkeys(config_maps[reference["configMapRef"]["name"]], "config map"))
            for item in container.get("env", []):
                sources[item["name"]] = "secret" if "secretKeyRef" in item.get("valueFrom", {}) else "literal"
            yield document["metadata"]["name"], container["args"][0], sources, container, config_maps


def test_every_variable_a_process_reads_is_set_in_its_config_maps_or_the_secret(production):
    for name, command, sources, _, _ in _processes(production):
        missing = variables(name, command) - set(sources)
        assert not missing, f"{name} ({command}): set in its ConfigMap or the Secret: {sorted(missing)}"


def test_the_values_given_to_each_process_pass_its_settings_validation(production):
    secrets = _secret_example()
    for name, command, _, container, config_maps in _processes(production):
        environment = {}
        for reference in container.get("envFrom", []):
            environment.update(config_maps[reference["configMapRef"]["name"]])
        for item in container.get("env", []):
            key = item.get("valueFrom", {}).get("secretKeyRef", {}).get("key")
            environment[item["name"]] = secrets[key] if key else item["value"]
        check_values(name, command, environment)


def test_secrets_come_only_from_the_secret_and_every_key_is_documented(production):
    from_secret = set()
    for name, command, sources, _, config_maps in _processes(production):
        wrongly_placed = {key for key in variables(name, command, secret=True) if sources.get(key) != "secret"}
        assert not wrongly_placed, f"{name}: only from the Secret billpay-secrets: {sorted(wrongly_placed)}"
        from_secret |= {key for key, source in sources.items() if source == "secret"}
        config_map_keys = {key for data in config_maps.values() for key in data}
        assert not config_map_keys & variables(name, command, secret=True), "a secret in a ConfigMap"
    assert from_secret == set(_secret_example())


def test_each_container_holds_only_its_own_credentials(production):
    for name, _, sources, container, _ in _processes(production):
        held = set(sources) & (set(CREDENTIALS) | RETIRED_CREDENTIALS)
        assert held == own_credentials(name), f"{name} ({container['name']}) holds {sorted(held)}"


def test_the_gateway_holds_no_office_or_service_credential_under_any_name(production):
    gateway = [entry for entry in _processes(production) if entry[0] == "gateway"]
    assert gateway
    credential_keys = {key for key in _secret_example() if key in CREDENTIALS or key in RETIRED_CREDENTIALS}
    assert credential_keys == set(CREDENTIALS)
    for _, _, sources, container, _ in gateway:
        secret_keys = {item["valueFrom"]["secretKeyRef"]["key"] for item in container["env"] if "valueFrom" in item}
        assert secret_keys == {"REDIS_URL", "SESSION_SECRET_KEY"}
        assert not set(sources) & credential_keys


TEST_ONLY_WORDS = ("sandbox", "localstripe", "change-me", "sk_test_", "pk_test_", "whsec_test", "example.com/test")


def test_the_production_overlay_holds_no_secret_value_and_no_test_processor(production):
    """Secrets reach production only through the Secret the operator creates (docs/deploy.md): the overlay
    renders none, and no ConfigMap or literal holds a default of Compose or an example value; payments go to
    Stripe with live keys only, and no container runs anything but the five service images."""
    assert find(production, "Secret") == []
    examples = {value for value in _secret_example().values() if value}
    literals = [
        (document["metadata"]["name"], key, str(value))
        for document in find(production, "ConfigMap")
        for key, value in document.get("data", {}).items()
    ] + [
        (name, item["name"], str(item["value"]))
        for name, _, _, container, _ in _processes(production)
        for item in container.get("env", [])
        if "value" in item
    ]
    for where, key, value in literals:
        assert value not in examples, f"{where}: {key} holds the example secret value"
        assert not any(word in value.lower() for word in TEST_ONLY_WORDS), f"{where}: {key}={value}"
    payment = find(production, "ConfigMap", "payment-service-config")["data"]
    assert payment["PAYMENT_PROCESSOR"] == "payment_service.processor.stripe_processor:StripeProcessor"
    assert payment["BILLPAY_ENVIRONMENT"] == "production"
    assert not payment.get("STRIPE_API_BASE") and payment["STRIPE_PUBLISHABLE_KEY"].startswith("pk_live_")
    images = {container["image"].rpartition(":")[0] for _, _, _, container, _ in _processes(production)}
    assert images == {f"registry.example.com/billpay/{name}" for name in WEB}


@pytest.mark.parametrize("name", WEB)
def test_a_stopping_pod_drains_within_its_grace_period(production, name):
    """preStop keeps the pod serving while its endpoint leaves the Service; gunicorn then finishes what it serves
    within graceful_timeout; Kubernetes kills only after terminationGracePeriodSeconds, longer than both."""
    pod = pod_of(find(production, "Deployment", name))
    container = next(c for c in pod["containers"] if c["name"] == name)
    sleep, seconds = container["lifecycle"]["preStop"]["exec"]["command"]
    graceful = re.search(r"^graceful_timeout = (\d+)", (DEPLOY / "gunicorn.conf.py").read_text(), re.M)
    assert sleep == "sleep" and pod["terminationGracePeriodSeconds"] > int(seconds) + int(graceful.group(1))
