"""The production overlay's Deployments and Jobs against the images `make images` built: each container's image
exists under the name the overlay maps it from, runs the image's entry point as its user, and each pod runs for
real as the manifest says (its args, read-only root with an emptyDir /tmp, no capabilities) on the stack's network:
web pods listen on their declared containerPort, and answer their startup, readiness and liveness probe paths
there, as does the image's own HEALTHCHECK; workers keep running; migration Jobs and wait-for-schema init
containers finish with 0. Start-to-ready (docker run until /readyz answers 200) is measured per image."""

import json
import subprocess
import time
import urllib.error
import urllib.request

import pytest
import yaml
from compose import DEPLOY, FIGURES, docker, environment_of

PRODUCTION = DEPLOY / "k8s" / "overlays" / "production"
IMAGE_USER = "10001:10001"


@pytest.fixture(scope="module")
def production():
    result = subprocess.run(["kubectl", "kustomize", str(PRODUCTION)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [document for document in yaml.safe_load_all(result.stdout) if document]


def _local_image(reference):
    """registry.example.com/billpay/gateway:1.0.0 (the overlay's) as the image built here, billpay/gateway:local."""
    overlay = yaml.safe_load((PRODUCTION / "kustomization.yaml").read_text())
    name, _, _ = reference.rpartition(":")
    original = next(entry["name"] for entry in overlay["images"] if entry["newName"] == name)
    return f"{original}:local"


def _pods(production):
    """(workload name, container, pod spec) for every container the overlay runs."""
    for document in production:
        if document["kind"] in ("Deployment", "Job"):
            pod = document["spec"]["template"]["spec"]
            for container in pod.get("initContainers", []) + pod["containers"]:
                yield document["metadata"]["name"], container, pod


def _inspect(image):
    return json.loads(docker("image", "inspect", image))[0]["Config"]


def _http_status(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def _logs(container):
    result = subprocess.run(["docker", "logs", container], capture_output=True, text=True, timeout=60)
    return result.stdout + result.stderr


def _run(stack, workload, pod, container, tmp_path, detach, publish=None):
    """The container as its manifest runs it, with the environment Compose gave the same process."""
    environment = environment_of(stack.containers(workload, all_states=True)[0])
    for item in container.get("env", []):
        if "value" in item:
            environment[item["name"]] = item["value"]
    env_file = tmp_path / f"{workload}-{container['name']}.env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in environment.items()))
    command = ["run", "--network", stack.network(), "--env-file", str(env_file), "--read-only", "--tmpfs", "/tmp"]
    command += ["--cap-drop", "ALL", "--security-opt", "no-new-privileges"]
    command += ["--user", f"{pod['securityContext']['runAsUser']}:{pod['securityContext']['runAsGroup']}"]
    command += ["-d"] if detach else ["--rm"]
    command += ["-p", f"127.0.0.1::{publish}"] if publish else []
    return docker(*command, _local_image(container["image"]), *container["args"], timeout=300).strip()


def _port(container, name):
    return next(port["containerPort"] for port in container["ports"] if port["name"] == name)


def test_every_workload_runs_its_image_as_the_manifest_says(stack, production, tmp_path):
    ready_seconds = {}
    for workload, container, pod in _pods(production):
        image = _local_image(container["image"])
        config = _inspect(image)
        what = f"{workload}/{container['name']}"
        assert "command" not in container, f"{what} replaces the image's entry point"
        assert config["Entrypoint"] == ["/app/deploy/boot.sh"], what
        assert (
            config["User"]
            == IMAGE_USER
            == f"{pod['securityContext']['runAsUser']}:{pod['securityContext']['runAsGroup']}"
        )
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert {volume["mountPath"] for volume in container["volumeMounts"]} == {"/tmp"}
        if container.get("ports"):
            ready_seconds[workload] = _check_web(stack, workload, pod, container, config, tmp_path)
        elif container["args"] == ["worker"]:
            _check_worker(stack, workload, pod, container, tmp_path)
        else:  # migrate (a Job) or wait-for-schema (an init container): both end at once on the migrated stack
            assert container["args"] in (["migrate"], ["wait-for-schema"]), what
            _run(stack, workload, pod, container, tmp_path, detach=False)
    FIGURES["start to ready per image (docker run until /readyz 200, s)"] = ready_seconds
    assert set(ready_seconds) == {
        "gateway",
        "auth-service",
        "invoice-service",
        "payment-service",
        "notification-service",
    }


def _check_web(stack, workload, pod, container, config, tmp_path):
    port = _port(container, "http")
    declared = {item["name"]: item.get("value") for item in container["env"]}
    assert declared["PORT"] == str(port), workload
    assert set(config["ExposedPorts"]) == {f"{port}/tcp"}, workload
    assert f"PORT={port}" in config["Env"], workload
    assert config["Cmd"] == container["args"] == ["web"], workload
    probes = {name: container[name]["httpGet"] for name in ("startupProbe", "readinessProbe", "livenessProbe")}
    assert {probe["port"] for probe in probes.values()} == {"http"}, workload
    assert probes["readinessProbe"]["path"] == "/readyz" and probes["livenessProbe"]["path"] == "/healthz"

    started = time.monotonic()
    running = _run(stack, workload, pod, container, tmp_path, detach=True, publish=port)
    try:
        host, _, published = docker("port", running, f"{port}/tcp").splitlines()[0].rpartition(":")
        assert host == "127.0.0.1"
        base = f"http://127.0.0.1:{published}"
        while _http_status(base + "/readyz") != 200:
            assert docker("inspect", "-f", "{{.State.Running}}", running).strip() == "true", _logs(running)
            assert time.monotonic() - started < 90, f"{workload} not ready on {port}: {_logs(running)}"
            time.sleep(0.1)
        ready = time.monotonic() - started
        for name, probe in probes.items():
            assert _http_status(base + probe["path"]) == 200, (workload, name)
        healthcheck = config["Healthcheck"]["Test"]
        assert healthcheck[0] == "CMD" and healthcheck[-1] == probes["livenessProbe"]["path"], healthcheck
        docker("exec", running, *healthcheck[1:])  # the image's own HEALTHCHECK passes in the pod's conditions
        docker("exec", running, *container["lifecycle"]["preStop"]["exec"]["command"][:1], "0")  # preStop runs
    finally:
        docker("rm", "-f", running, check=False)
    return round(ready, 1)


def _check_worker(stack, workload, pod, container, tmp_path):
    running = _run(stack, workload, pod, container, tmp_path, detach=True)
    try:
        time.sleep(4)
        logs = _logs(running)
        assert docker("inspect", "-f", "{{.State.Running}}", running).strip() == "true", logs
        assert "Traceback" not in logs
    finally:
        docker("rm", "-f", running, check=False)
