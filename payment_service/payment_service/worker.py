"""The background loop (`flask --app payment_service worker`): relay the outbox, reconcile pending
payments, apply the processor's events, and once a day run AutoPay, queue expiry reminders and drop expired
idempotency keys and NACHA authorization records."""

import logging
import signal
import threading

from flask import current_app

from billpay_common.clock import utcnow

from . import ach_authorizations, ach_returns, idempotency, outbox, profiles, reconcile
from .autopay_cli import run_autopay
from .clients import invoice_client
from .extensions import db, redis_ext
from .processor import current_processor

log = logging.getLogger(__name__)


class Worker:
    def __init__(self, interval):
        self.interval = interval
        self.stopping = threading.Event()
        self.daily_done_on = None
        self.autopay_done_on = None

    def run_once(self):
        """One pass; each part's failure is logged and the others still run."""
        done = {}
        for name, step in (
            ("relayed", self._relay),
            ("reconciled", reconcile.reconcile_pending),
            ("processor_events", self._processor_events),
            ("daily", self._daily),
            ("autopay", self._autopay),
        ):
            try:
                done[name] = step()
            except Exception:  # logged; one step's trouble (say, Redis down) must not stop the others or the loop
                db.session.rollback()
                log.exception("worker step %s failed", name)
        db.session.remove()
        return done

    def _processor_events(self):
        return ach_returns.apply_listed_events(current_processor())

    def _relay(self):
        return outbox.relay(redis_ext.client, redis_ext.prefix, invoice_client())

    def _daily(self):
        today = utcnow().date()
        if self.daily_done_on == today:
            return None
        queued = profiles.queue_expiry_reminders(today, current_app.config["EXPIRY_NOTICE_DAYS"])
        idempotency.purge_expired()
        ach_authorizations.forget_expired(today)
        self.daily_done_on = today
        return queued

    def _autopay(self):
        """Once a day; a run that failed part-way is safe to repeat, and the next day's run catches up anyway."""
        today = utcnow().date()
        if self.autopay_done_on == today:
            return None
        summary = run_autopay(today)
        self.autopay_done_on = today
        return summary

    def stop(self, signum=None, frame=None):
        log.info("worker stopping (signal %s)", signum)
        self.stopping.set()

    def run_forever(self):
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        log.info("payment worker started, every %.1f s", self.interval)
        while not self.stopping.is_set():
            self.run_once()
            self.stopping.wait(self.interval)
        log.info("payment worker stopped")
