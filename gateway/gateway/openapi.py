"""The public API's OpenAPI document: the services' own documents, cut to what /api/* routes, renamed."""

import json
import time

from flask import Blueprint, jsonify

from billpay_common.http import ServiceUnavailable

from .clients import service
from .proxy import ROUTES

openapi = Blueprint("openapi", __name__)
_CACHE_SECONDS = 300
_cache = {"document": None, "at": 0.0}


def _public_path(name, path):
    for prefix, routed_service, service_prefix in ROUTES:
        if routed_service == name and (path == service_prefix.rstrip("/") or path.startswith(service_prefix)):
            return prefix + path[len(service_prefix) :]
    return None


def _renamed(value, name):
    """Prefix component names with the service's, so two services' `Error` never collide."""
    text = json.dumps(value).replace('"#/components/schemas/', f'"#/components/schemas/{name}_')
    return json.loads(text)


def compose(documents):
    merged = {
        "openapi": "3.0.3",
        "info": {"title": "Bill Pay public API", "version": "1.0"},
        "paths": {},
        "components": {"schemas": {}},
    }
    for name, document in documents.items():
        for path, operations in document.get("paths", {}).items():
            public = _public_path(name, path)
            if public:
                merged["paths"][public] = _renamed(operations, name)
        for schema_name, schema in document.get("components", {}).get("schemas", {}).items():
            merged["components"]["schemas"][f"{name}_{schema_name}"] = _renamed(schema, name)
        for kind in ("responses", "parameters"):
            for item_name, item in document.get("components", {}).get(kind, {}).items():
                merged["components"].setdefault(kind, {})[item_name] = _renamed(item, name)
    return merged


def _fetch():
    documents = {}
    for name in sorted({routed for _, routed, _ in ROUTES}):
        response = service(name).get("/openapi.json")
        if response.status == 200:
            documents[name] = response.json()
    return compose(documents)


@openapi.get("/openapi.json")
def document():
    if _cache["document"] is None or time.monotonic() - _cache["at"] > _CACHE_SECONDS:
        try:
            _cache.update(document=_fetch(), at=time.monotonic())
        except ServiceUnavailable:
            return jsonify(error={"code": "try_again_shortly", "message": "A service is not answering."}), 503
    return jsonify(_cache["document"])
