"""deploy/tools/kustomize_lite.py renders like kustomize for the features deploy/k8s uses, and refuses the rest."""
import shutil
import subprocess

import pytest
import yaml

from deploy_helpers import kustomize_lite

DEPLOYMENT = {
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
    "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {
        "metadata": {"labels": {"app": "web"}},
        "spec": {"containers": [
            {"name": "web", "image": "acme/web:1", "args": ["serve", "--fast"],
             "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
            {"name": "sidecar", "image": "registry:5000/acme/side"}]}}},
}
PATCH = {
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
    "spec": {"template": {"spec": {"containers": [
        {"name": "web", "args": ["serve"], "env": [{"name": "C", "value": "3"}, {"name": "B", "value": "9"}]},
        {"name": "extra", "image": "acme/extra:2"}]}}},
}


def write(directory, name, documents):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(yaml.safe_dump_all(documents))


@pytest.fixture
def overlay(tmp_path):
    write(tmp_path / "base", "kustomization.yaml", [{"resources": ["web.yaml", "ns.yaml"]}])
    write(tmp_path / "base", "web.yaml", [DEPLOYMENT])
    write(tmp_path / "base", "ns.yaml", [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}])
    write(tmp_path / "prod", "kustomization.yaml", [{
        "resources": ["../base"], "namespace": "shop", "patches": [{"path": "patch.yaml"}],
        "images": [{"name": "acme/web", "newTag": "2"},
                   {"name": "registry:5000/acme/side", "newName": "mirror/side", "newTag": "7"}]}])
    write(tmp_path / "prod", "patch.yaml", [PATCH])
    return tmp_path / "prod"


def test_patch_merges_named_lists_by_name_and_replaces_plain_lists(overlay):
    web = kustomize_lite.build(overlay)[0]
    containers = web["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["web", "extra", "sidecar"]
    assert containers[0]["args"] == ["serve"]
    assert containers[0]["env"] == [{"name": "C", "value": "3"}, {"name": "B", "value": "9"},
                                    {"name": "A", "value": "1"}]


def test_images_are_renamed_and_retagged_including_registry_ports(overlay):
    containers = kustomize_lite.build(overlay)[0]["spec"]["template"]["spec"]["containers"]
    assert [c["image"] for c in containers] == ["acme/web:2", "acme/extra:2", "mirror/side:7"]


def test_namespace_is_set_on_namespaced_objects_only(overlay):
    web, namespace = kustomize_lite.build(overlay)
    assert web["metadata"]["namespace"] == "shop" and "namespace" not in namespace["metadata"]


@pytest.mark.skipif(not shutil.which("kubectl"), reason="kubectl is not installed")
def test_output_equals_kubectl_kustomize(overlay):
    result = subprocess.run(["kubectl", "kustomize", str(overlay)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert sorted(map(repr, yaml.safe_load_all(result.stdout))) == sorted(map(repr, kustomize_lite.build(overlay)))


def test_null_in_a_patch_deletes_the_key():
    merged = kustomize_lite.strategic_merge({"a": 1, "b": {"c": 2}}, {"b": None, "d": 4})
    assert merged == {"a": 1, "d": 4}


@pytest.mark.parametrize("kustomization, message", [
    ({"resources": ["web.yaml"], "commonLabels": {"x": "y"}}, "unsupported kustomization fields"),
    ({"resources": ["web.yaml", "web.yaml"]}, "defined twice"),
    ({"resources": ["web.yaml"], "patches": [{"path": "other.yaml"}]}, "matches no resource"),
    ({"resources": ["web.yaml"], "patches": [{"patch": "inline"}]}, "only `path` and `target`"),
])
def test_unsupported_or_wrong_kustomizations_are_refused(tmp_path, kustomization, message):
    write(tmp_path, "kustomization.yaml", [kustomization])
    write(tmp_path, "web.yaml", [DEPLOYMENT])
    write(tmp_path, "other.yaml", [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "nothing"}}])
    with pytest.raises(kustomize_lite.KustomizeError, match=message):
        kustomize_lite.build(tmp_path)
