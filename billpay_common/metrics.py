"""Prometheus /metrics: request counts and latency per route (multiprocess-safe under gunicorn)."""

import time

from flask import Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

REQUESTS = Counter("http_requests_total", "HTTP requests", ["service", "method", "route", "status"])
LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


def _registry(multiprocess_dir):
    if multiprocess_dir:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    from prometheus_client import REGISTRY

    return REGISTRY


def init_metrics(app):
    service = app.config["SERVICE_NAME"]

    @app.before_request
    def start_timer():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def record(response):
        route = request.url_rule.rule if request.url_rule else "unmatched"
        if route != "/metrics" and hasattr(g, "metrics_started"):
            REQUESTS.labels(service, request.method, route, response.status_code).inc()
            LATENCY.labels(service, request.method, route).observe(time.perf_counter() - g.metrics_started)
        return response

    @app.get("/metrics")
    def metrics():
        for collect in app.extensions.get("billpay_metric_hooks", []):
            collect()
        registry = _registry(app.config["PROMETHEUS_MULTIPROC_DIR"])
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
