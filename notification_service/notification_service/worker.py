"""The queue consumer: read a job, claim it in the delivery log, send it, record it, then acknowledge it.

A job is acknowledged only after the SMTP server accepted it (or it is dead or scheduled for a retry), so a
worker that dies leaves its jobs pending for another worker to claim. The one gap no queue can close is a
crash after the server accepted a message and before the log says "sent": that job is sent again, under the
same Message-ID."""

import logging
import os
import signal
import socket
import threading
import time
import uuid
from datetime import date

import redis

from billpay_common.queue import EmailJob

from . import services
from .compose import InvalidJob, Sender, compose
from .extensions import db
from .models import RETRYING
from .smtp import PermanentFailure, TemporaryFailure

log = logging.getLogger(__name__)


def sender_from(config):
    return Sender(config["MAIL_FROM"], config["COMPANY_NAME"], config["COMPANY_ADDRESS"], config["COMPANY_PHONE"])


class Worker:
    def __init__(self, config, stream, transport):
        self.stream = stream
        self.transport = transport
        self.sender = sender_from(config)
        self.claim_idle = config["CLAIM_IDLE_SECONDS"]
        self.delays = config["RETRY_DELAYS_SECONDS"]
        self.batch = config["WORKER_BATCH_SIZE"]
        self.retention_days = config["DELIVERY_LOG_RETENTION_DAYS"]
        self.pruned_on = None
        self.upkeep_every = max(0.05, min([1.0, self.claim_idle / 2] + [delay / 2 for delay in self.delays]))
        self.block_ms = max(1, min(config["WORKER_BLOCK_MS"], int(self.upkeep_every * 1000)))
        self.name = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"[:80]
        self.stopping = threading.Event()
        self.handled = 0
        self.done = []  # entries finished with, acknowledged together after each batch

    def stop(self, *_):
        self.stopping.set()

    def run(self, once=False, burst=False):
        """Until SIGTERM; --once: at most one job; --burst: until nothing is waiting."""
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        log.info("worker started", extra={"fields": {"worker": self.name}})
        self._ensure_group()
        next_upkeep = 0.0
        try:
            while not self.stopping.is_set():
                try:
                    entries = []
                    if time.monotonic() >= next_upkeep:
                        next_upkeep = time.monotonic() + self.upkeep_every
                        self._prune_daily()
                        entries = self._upkeep()
                    if not entries:
                        block = None if (once or burst) else self.block_ms
                        entries = self.stream.read(self.name, 1 if once else self.batch, block)
                except redis.ResponseError as error:
                    if "NOGROUP" not in str(error):
                        raise
                    log.warning("the consumer group is gone (Redis restarted empty?): creating it again")
                    self._ensure_group()
                    continue
                except redis.RedisError as error:
                    log.warning("queue unreachable: %s", error)
                    self.stopping.wait(1.0)
                    continue
                if entries:
                    self.handle(entries)  # the jobs in hand are finished even when asked to stop
                self._flush_acks()
                if (once and entries) or (burst and not entries):
                    break
        finally:
            self._flush_acks()
            self.transport.close()
            log.info("worker stopped", extra={"fields": {"worker": self.name, "handled": self.handled}})

    def _upkeep(self):
        self.stream.release_due_retries()
        self.stream.trim_acknowledged()
        return self.stream.claim_abandoned(self.name, self.claim_idle, self.batch)

    def _prune_daily(self):
        today = date.today()
        if self.pruned_on == today:
            return
        self.pruned_on = today  # set first: a database that is down is tried again tomorrow, not every second
        try:
            removed = services.prune_sent(self.retention_days)
        except Exception:  # the delivery log can wait a day; sending must go on
            log.exception("delivery log not pruned")
            db.session.rollback()
            return
        log.info("delivery log pruned", extra={"fields": {"removed": removed, "older_than_days": self.retention_days}})

    def _flush_acks(self):
        """A crash before this only means the batch is claimed again, and the delivery log skips what was sent."""
        if self.done:
            try:
                self.stream.ack(*self.done)
            except redis.RedisError as error:
                log.warning("acknowledgement failed, the jobs will be claimed again: %s", error)
            self.done = []

    def _ensure_group(self):
        """Create the group (from the stream's start, so nothing published before is skipped); Redis may be down."""
        try:
            self.stream.ensure_group()
        except redis.RedisError as error:
            log.warning("queue unreachable at start: %s", error)

    def handle(self, entries):
        """Claim the batch in one transaction, then send its jobs one by one."""
        jobs = []
        for entry_id, payload in entries:
            job, text = self._read(entry_id, payload)
            if job is not None:
                jobs.append((entry_id, job, text))
        self.handled += len(entries)
        try:
            claim = services.claim([(job, text) for _, job, text in jobs], self.name, self.claim_idle)
        except Exception:  # database trouble: nothing acknowledged, so the batch is claimed again later
            log.exception("e-mail jobs not claimed")
            db.session.rollback()
            return
        # Past this, our claims could look stale to other workers: the rest is left for whoever takes them over.
        send_before = time.monotonic() + self.claim_idle / 2
        for entry_id, job, text in jobs:
            if job.event_id in claim.busy:
                # Not acknowledged: this entry may be the one its holder read, and if that worker dies, it is
                # the only trace of the job left. It comes back once idle, and is finished with then.
                continue
            if job.event_id not in claim.taken:
                self.done.append(entry_id)  # sent, dead, or twice in this batch
                continue
            claim.taken.discard(job.event_id)
            if time.monotonic() > send_before:
                break
            try:
                self._deliver(entry_id, job, text)
            except Exception:  # a bug met by one job must not stop the others: its claim goes stale, is retried
                log.exception("e-mail job failed", extra={"fields": {"event_id": job.event_id}})
                db.session.rollback()
        db.session.remove()

    def _read(self, entry_id, payload):
        try:
            text = payload.decode() if isinstance(payload, bytes) else payload
            job = EmailJob.from_json(text)
            if not isinstance(job.event_id, str) or not 0 < len(job.event_id) <= 64 or not isinstance(job.type, str):
                raise ValueError("no usable event id or type")
            return job, text
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            log.error("unreadable e-mail job dropped", extra={"fields": {"entry": str(entry_id), "error": str(error)}})
            self.done.append(entry_id)
            return None, None

    def _deliver(self, entry_id, job, text):
        failure, permanent = None, False
        try:
            self.transport.send(compose(job, self.sender))
        except (InvalidJob, PermanentFailure) as error:
            failure, permanent = error, True
        except TemporaryFailure as error:
            failure = error
        try:
            if failure is None:
                services.record_sent(job.event_id)
                self.done.append(entry_id)
                log.info("e-mail sent", extra={"fields": {"event_id": job.event_id, "type": job.type}})
            else:
                self._failed(entry_id, job, text, failure, permanent)
        except Exception:  # database or Redis trouble: unacknowledged, the job is taken over once its claim is stale
            log.exception("e-mail job not recorded", extra={"fields": {"event_id": job.event_id}})
            db.session.rollback()

    def _failed(self, entry_id, job, text, error, permanent):
        outcome = services.record_failure(job.event_id, self.name, error, permanent, self.delays)
        if outcome is None:
            return  # another worker took the job over while this one waited on SMTP
        if outcome.status == RETRYING:
            self.stream.schedule_retry(entry_id, text, outcome.delay_seconds)
        else:
            self.done.append(entry_id)
        log.warning(
            "e-mail not sent",
            extra={
                "fields": {
                    "event_id": job.event_id,
                    "type": job.type,
                    "status": outcome.status,
                    "error": str(error)[:200],
                }
            },
        )
