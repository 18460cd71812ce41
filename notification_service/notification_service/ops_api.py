"""The accounting office's endpoints (a staff token with the role each names): the delivery log, resending,
retrying dead letters."""

import logging

from flask import current_app, g
from flask_smorest import Blueprint

from billpay_common.staff_auth import CLERK, VIEWER, staff_required

from . import services
from .schemas import DeliveryQuerySchema, DeliverySchema, RequeuedSchema

log = logging.getLogger(__name__)
blp = Blueprint("ops", __name__, url_prefix="/ops", description="Accounting office: e-mail deliveries")


def _stream():
    return current_app.extensions["email_stream"]


@blp.get("/deliveries")
@staff_required(VIEWER)
@blp.arguments(DeliveryQuerySchema(), location="query")
@blp.response(200, DeliverySchema(many=True))
def deliveries(query):
    return services.find(query.get("event_id"), query.get("account"), query.get("status"), query["limit"])


@blp.get("/deliveries/<event_id>")
@staff_required(VIEWER)
@blp.response(200, DeliverySchema)
def delivery(event_id):
    return services.get(event_id)


@blp.post("/deliveries/<event_id>/resend")
@staff_required(CLERK)
@blp.response(202, DeliverySchema)
def resend(event_id):
    sent_again = services.resend(event_id, _stream())
    log.info("e-mail resent", extra={"fields": {"event_id": event_id, "actor": g.actor}})
    return sent_again


@blp.post("/deliveries/retry-dead")
@staff_required(CLERK)
@blp.response(202, RequeuedSchema)
def retry_dead():
    requeued = services.requeue_dead(_stream())
    log.info("dead letters retried", extra={"fields": {"count": len(requeued), "actor": g.actor}})
    return {"requeued": len(requeued), "event_ids": [delivery.event_id for delivery in requeued]}
