"""The Kubernetes objects of one App (Deployment, Service, HPA, PDB, migration Job) and the NetworkPolicies."""
import catalog

UID = 10001  # the image's non-root user (deploy/Dockerfile)


def labels(name, component=None):
    result = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "billpay"}
    if component:
        result["app.kubernetes.io/component"] = component
    return result


def _env(app):
    env = [{"name": "PORT", "value": str(app.port)}] if app.port else []
    if app.name == "gateway":
        env.append({"name": "TRUSTED_PROXY_COUNT", "value": "1"})  # the ingress controller sits in front
    for key in catalog.SHARED_SECRETS + app.secrets:
        env.append({"name": key, "valueFrom": {"secretKeyRef": {"name": catalog.SECRET, "key": key}}})
    return env


def _container(app, name, command):
    return {
        "name": name,
        "image": f"{app.image}:latest",
        "args": [command],
        "envFrom": [{"configMapRef": {"name": catalog.CONFIG_MAP}}],
        "env": _env(app),
        "resources": {"requests": {"cpu": app.cpu[0], "memory": app.memory[0]},
                      "limits": {"cpu": app.cpu[1], "memory": app.memory[1]}},
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                            "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}},
        # gunicorn's heartbeat files, the metrics folder and BILLPAY_VAR_DIR live here
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }


def _http_probe(path, period, failures, delay=0):
    probe = {"httpGet": {"path": path, "port": "http"}, "periodSeconds": period, "timeoutSeconds": 3,
             "failureThreshold": failures}
    if delay:
        probe["initialDelaySeconds"] = delay
    return probe


def pod_spec(app, command, wait_for_schema=True):
    container = _container(app, app.name, command)
    if command == "web":
        container["ports"] = [{"name": "http", "containerPort": app.port}]
        container["startupProbe"] = _http_probe("/healthz", 2, 30)
        container["readinessProbe"] = _http_probe("/readyz", 10, 3)
        container["livenessProbe"] = _http_probe("/healthz", 20, 3)
    spec = {
        "automountServiceAccountToken": False,
        "securityContext": {"runAsNonRoot": True, "runAsUser": UID, "runAsGroup": UID, "fsGroup": UID,
                            "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [container],
        "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "256Mi"}}],
    }
    if wait_for_schema and app.package in catalog.MIGRATED:
        # new code starts only once its migration Job has brought the database up to date
        wait = _container(app, "wait-for-schema", "wait-for-schema")
        wait["resources"] = {"requests": {"cpu": "50m", "memory": "128Mi"},
                             "limits": {"cpu": "500m", "memory": "256Mi"}}
        spec["initContainers"] = [wait]
    return spec


def deployment(app):
    component = "web" if app.port else "worker"
    template_metadata = {"labels": labels(app.name, component)}
    if app.port:
        template_metadata["annotations"] = {"prometheus.io/scrape": "true", "prometheus.io/port": str(app.port),
                                            "prometheus.io/path": "/metrics"}
    spec = {"selector": {"matchLabels": labels(app.name)},
            "template": {"metadata": template_metadata, "spec": pod_spec(app, app.command)}}
    if app.replicas is None:
        spec.update(replicas=1, strategy={"type": "Recreate"})
    else:  # the HPA owns the replica count
        spec["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": app.name, "labels": labels(app.name, component)}, "spec": spec}


def service(app):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": app.name, "labels": labels(app.name)},
            "spec": {"selector": labels(app.name),
                     "ports": [{"name": "http", "port": app.port, "targetPort": "http"}]}}


def autoscaler(app):
    low, high = app.replicas
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": app.name, "labels": labels(app.name)},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": app.name},
                     "minReplicas": low, "maxReplicas": high,
                     "metrics": [{"type": "Resource", "resource": {
                         "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}],
                     "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300}}}}


def disruption_budget(app):
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": app.name, "labels": labels(app.name)},
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": labels(app.name)}}}


def migration_job(app):
    name = f"{app.name}-migrate"
    pod = pod_spec(app, "migrate", wait_for_schema=False)
    pod["containers"][0]["name"] = "migrate"
    pod["restartPolicy"] = "Never"
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name, "labels": labels(name, "migration")},
            # a finished Job is removed after ten minutes, so the next `kubectl apply` creates it anew
            "spec": {"backoffLimit": 4, "activeDeadlineSeconds": 900, "ttlSecondsAfterFinished": 600,
                     "template": {"metadata": {"labels": labels(name, "migration")}, "spec": pod}}}


def app_documents(app):
    documents = [deployment(app)]
    if app.port:
        documents.append(service(app))
    if app.replicas is not None:
        documents += [autoscaler(app), disruption_budget(app)]
    if app.port and app.package in catalog.MIGRATED:
        documents.append(migration_job(app))
    return documents


def _peer_pods(names):
    return {"podSelector": {"matchExpressions": [
        {"key": "app.kubernetes.io/name", "operator": "In", "values": sorted(names)}]}}


def network_policies(apps):
    deny = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "default-deny-ingress", "labels": labels("network-policy")},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}
    policies = [deny]
    for app in apps:
        sources = [{"namespaceSelector": {"matchLabels": catalog.OPS_NAMESPACE_LABEL}}]
        if app.from_ingress:
            sources.append({"namespaceSelector": {"matchLabels": catalog.INGRESS_NAMESPACE_LABEL}})
        if app.callers:
            sources.append(_peer_pods(app.callers))
        policies.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                         "metadata": {"name": f"{app.name}-ingress", "labels": labels("network-policy")},
                         "spec": {"podSelector": {"matchLabels": labels(app.name)}, "policyTypes": ["Ingress"],
                                  "ingress": [{"from": sources, "ports": [{"port": "http", "protocol": "TCP"}]}]}})
    return policies
