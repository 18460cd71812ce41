"""Queue depth and deliveries by status, refreshed each time /metrics is read."""

import logging

import redis
from flask import current_app
from prometheus_client import Gauge
from sqlalchemy.exc import SQLAlchemyError

from . import services

log = logging.getLogger(__name__)

QUEUE = Gauge(
    "notification_queue_jobs",
    "E-mail jobs on the queue: waiting (not yet read), in_hand (read, "
    "not acknowledged), scheduled (waiting for a retry)",
    ["state"],
    multiprocess_mode="mostrecent",
)
DELIVERIES = Gauge("notification_deliveries", "Delivery log rows by status", ["status"], multiprocess_mode="mostrecent")


def refresh():
    try:
        waiting, in_hand, scheduled = current_app.extensions["email_stream"].depth()
        QUEUE.labels("waiting").set(waiting)
        QUEUE.labels("in_hand").set(in_hand)
        QUEUE.labels("scheduled").set(scheduled)
    except redis.RedisError as error:
        log.warning("queue depth unavailable: %s", error)
    try:
        for status, count in services.counts_by_status().items():
            DELIVERIES.labels(status).set(count)
    except SQLAlchemyError as error:
        log.warning("delivery counts unavailable: %s", error)


def init_queue_metrics(app):
    app.extensions.setdefault("billpay_metric_hooks", []).append(refresh)
