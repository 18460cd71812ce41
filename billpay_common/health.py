"""/healthz: the process answers. /readyz: its database and Redis answer too, else 503 with why."""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

health = Blueprint("health", __name__)


def _check_database():
    db = current_app.extensions.get("sqlalchemy")
    if db is None:
        return None
    try:
        db.session.execute(text("SELECT 1"))
        return None
    except Exception as error:  # any driver error means "not ready"; the reason is reported
        db.session.rollback()
        return f"database: {type(error).__name__}"


def _check_redis():
    ext = current_app.extensions.get("billpay_redis")
    if ext is None:
        return None
    try:
        ext.client.ping()
        return None
    except Exception as error:
        return f"redis: {type(error).__name__}"


@health.get("/healthz")
def healthz():
    return jsonify(status="ok", service=current_app.config["SERVICE_NAME"])


def readiness_problems():
    """Why this process is not ready (["redis: ConnectionError"]), or [] when it is."""
    return [problem for problem in (_check_database(), _check_redis()) if problem]


@health.get("/readyz")
def readyz():
    problems = readiness_problems()
    if problems:
        return jsonify(status="unavailable", problems=problems), 503
    return jsonify(status="ready", service=current_app.config["SERVICE_NAME"])
