"""The part of `kustomize build` that deploy/k8s uses, in plain Python, so the manifests render offline.

Supported kustomization fields: resources (files and folders), namespace, images, patches (strategic
merge, targeted by the patch's own kind and name or by `target`). Anything else raises, so a manifest
that starts using a feature this renderer lacks fails loudly instead of rendering wrong.
tests/deploy compares its output with `kubectl kustomize` wherever kubectl is installed.

    python deploy/tools/kustomize_lite.py deploy/k8s/overlays/production > production.yaml
"""
import copy
import sys
from pathlib import Path

import yaml

SUPPORTED_FIELDS = {"apiVersion", "kind", "resources", "namespace", "images", "patches"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "IngressClass", "PriorityClass",
                  "StorageClass", "CustomResourceDefinition", "PersistentVolume"}


class KustomizeError(ValueError):
    pass


def build(directory):
    """The rendered documents of the kustomization in `directory`, in resource order."""
    directory = Path(directory)
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unsupported = set(kustomization) - SUPPORTED_FIELDS
    if unsupported:
        raise KustomizeError(f"{directory}: unsupported kustomization fields {sorted(unsupported)}")
    documents = []
    for entry in kustomization.get("resources", []):
        path = directory / entry
        documents += build(path) if path.is_dir() else _load(path)
    _check_unique(documents, directory)
    for patch in kustomization.get("patches", []):
        _apply_patch(documents, patch, directory)
    for image in kustomization.get("images", []):
        _set_image(documents, image)
    if "namespace" in kustomization:
        for document in documents:
            if document["kind"] not in CLUSTER_SCOPED:
                document["metadata"]["namespace"] = kustomization["namespace"]
    return documents


def _load(path):
    return [document for document in yaml.safe_load_all(path.read_text()) if document]


def _identity(document):
    metadata = document.get("metadata", {})
    return document["kind"], metadata.get("namespace"), metadata["name"]


def _check_unique(documents, directory):
    seen = set()
    for document in documents:
        identity = _identity(document)
        if identity in seen:
            raise KustomizeError(f"{directory}: {identity} is defined twice")
        seen.add(identity)


def _apply_patch(documents, patch, directory):
    if set(patch) - {"path", "target"}:
        raise KustomizeError(f"{directory}: only `path` and `target` patches are supported: {patch}")
    for body in _load(directory / patch["path"]):
        target = patch.get("target") or {"kind": body["kind"], "name": body["metadata"]["name"]}
        matches = [document for document in documents
                   if document["kind"] == target["kind"] and document["metadata"]["name"] == target["name"]]
        if not matches:
            raise KustomizeError(f"{directory}: patch {patch['path']} matches no resource {target}")
        for document in matches:
            merged = strategic_merge(document, body)
            document.clear()
            document.update(merged)


def strategic_merge(original, patch):
    """Maps merge key by key; lists of named maps (containers, env, ports, volumes) merge by name
    (the patch's entries first, as kustomize orders them); other lists and scalars are replaced;
    a null value deletes the key."""
    if isinstance(original, dict) and isinstance(patch, dict):
        merged = copy.deepcopy(original)
        for key, value in patch.items():
            if isinstance(key, str) and key.startswith("$"):
                raise KustomizeError(f"patch directive {key} is not supported")
            if value is None:
                merged.pop(key, None)
            elif key in merged:
                merged[key] = strategic_merge(merged[key], value)
            else:
                merged[key] = copy.deepcopy(value)
        return merged
    if _named_list(original) and _named_list(patch):
        originals = {item["name"]: item for item in original}
        named_in_patch = [strategic_merge(originals[item["name"]], item) if item["name"] in originals
                          else copy.deepcopy(item) for item in patch]
        untouched = [copy.deepcopy(item) for item in original if item["name"] not in {i["name"] for i in patch}]
        return named_in_patch + untouched
    return copy.deepcopy(patch)


def _named_list(value):
    return isinstance(value, list) and value and all(isinstance(item, dict) and "name" in item for item in value)


def _set_image(documents, image):
    for document in documents:
        spec = document.get("spec", {})
        pod = spec.get("jobTemplate", {}).get("spec", spec).get("template", {}).get("spec", {})
        for container in pod.get("containers", []) + pod.get("initContainers", []):
            name, tag = _split_image(container["image"])
            if name == image["name"]:
                new_tag = f"@{image['digest']}" if "digest" in image else (
                    f":{image['newTag']}" if "newTag" in image else tag)
                container["image"] = image.get("newName", name) + new_tag


def _split_image(reference):
    if "@" in reference:
        name, digest = reference.split("@", 1)
        return name, "@" + digest
    name, _, tag = reference.rpartition(":")
    if not name or "/" in tag:
        return reference, ""
    return name, ":" + tag


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    print(yaml.safe_dump_all(build(argv[1]), sort_keys=False), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
