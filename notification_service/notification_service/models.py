from billpay_common.clock import utcnow

from .extensions import db

QUEUED, SENDING, SENT, RETRYING, DEAD = "queued", "sending", "sent", "retrying", "dead"
STATUSES = (QUEUED, SENDING, SENT, RETRYING, DEAD)


class Delivery(db.Model):
    """One e-mail job, keyed by its event id: the row that makes a job delivered twice send one e-mail."""

    __tablename__ = "deliveries"
    event_id = db.Column(db.String(64), primary_key=True)
    type = db.Column(db.String(40), nullable=False)
    recipient = db.Column(db.String(254), nullable=False)
    account = db.Column(db.String(20), nullable=False, default="", index=True)
    status = db.Column(db.String(10), nullable=False, index=True)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    last_error = db.Column(db.String(255), nullable=False, default="")
    next_attempt_at = db.Column(db.DateTime, nullable=True)
    claimed_by = db.Column(db.String(80), nullable=True)
    claimed_at = db.Column(db.DateTime, nullable=True)
    # The job as it came off the queue, so ops can send it again.
    payload = db.Column(db.Text, nullable=False)
    request_id = db.Column(db.String(64), nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    sent_at = db.Column(db.DateTime, nullable=True)
