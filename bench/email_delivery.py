"""E-mails per second through 1 and 3 worker processes into a local aiosmtpd server, queue-to-SMTP latency,
and one worker's RSS after its first 100 and after 10,000 jobs.
Run: python -m bench.email_delivery (make bench runs it)."""

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import redis
from aiosmtpd.controller import Controller

from billpay_common.queue import EmailJob
from devtools.ports import free_port
from devtools.redis_server import PrivateRedis

from .table import save_results

ROOT = Path(__file__).resolve().parent.parent

THROUGHPUT_JOBS = int(os.environ.get("BENCH_EMAIL_JOBS", "2000"))
MEMORY_JOBS = int(os.environ.get("BENCH_EMAIL_MEMORY_JOBS", "10000"))


class CountingSink:
    """The SMTP server: counts accepted messages and notes when each event's message arrived."""

    def __init__(self):
        self.count = 0
        self.arrived = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        now = time.monotonic()
        content = envelope.content
        start = content.find(b"Message-ID: <") + 13
        with self.lock:
            self.count += 1
            self.arrived[content[start : content.find(b"@", start)].decode()] = now
        return "250 OK"


def wait_until(predicate, timeout):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("bench: timed out")
        time.sleep(0.005)


def database_url(directory):
    try:
        import psycopg

        with psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True, connect_timeout=3
        ) as connection:
            connection.execute('DROP DATABASE IF EXISTS "bench_notification_email" WITH (FORCE)')
            connection.execute('CREATE DATABASE "bench_notification_email"')
        return "postgresql+psycopg://postgres@127.0.0.1:5432/bench_notification_email"
    except Exception as error:  # no PostgreSQL here: the embedded SQLite default instead, said in the output
        print(f"PostgreSQL not reachable ({type(error).__name__}); delivery log on SQLite.")
        return f"sqlite:///{directory}/notification_service.db"


def redis_url(directory):
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2).ping()
        return "redis://127.0.0.1:6379/0", None
    except redis.RedisError:
        server = PrivateRedis(Path(directory) / "redis").start()
        return server.url, server


class Bench:
    def __init__(self, directory):
        self.directory = Path(directory)
        self.db_url = database_url(directory)
        self.redis_url, self.private_redis = redis_url(directory)
        self.redis = redis.Redis.from_url(self.redis_url)
        self.sink = CountingSink()
        self.smtp = Controller(self.sink, hostname="127.0.0.1", port=free_port())
        self.smtp.start()
        self.environ = {
            **os.environ,
            "NOTIFICATION_SERVICE_DATABASE_URL": self.db_url,
            "REDIS_URL": self.redis_url,
            "SMTP_URL": f"smtp://127.0.0.1:{self.smtp.port}",
            "LOG_LEVEL": "INFO",
            "BILLPAY_VAR_DIR": str(directory),
        }
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "notification_service", "db", "upgrade"],
            env=self.environ,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def workers(self, count, prefix):
        """Start `count` worker processes; returns once each has logged that it started."""
        logs = [self.directory / f"{prefix.rstrip(':')}-{number}.log" for number in range(count)]
        processes = []
        for log in logs:
            with open(log, "wb") as stderr:
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "flask", "--app", "notification_service", "worker"],
                        env={**self.environ, "REDIS_KEY_PREFIX": prefix},
                        cwd=ROOT,
                        stdout=subprocess.DEVNULL,
                        stderr=stderr,
                    )
                )
        wait_until(lambda: all(b"worker started" in log.read_bytes() for log in logs), 120)
        return processes, prefix + "stream:email"

    def publish(self, stream, count, start=0):
        with self.redis.pipeline(transaction=False) as pipe:
            for number in range(start, start + count):
                pipe.xadd(stream, {"job": receipt(number).to_json()})
                if number % 500 == 499:
                    pipe.execute()
            pipe.execute()

    def throughput(self, worker_count):
        processes, stream = self.workers(worker_count, f"bench-{uuid.uuid4().hex[:8]}:")
        try:
            before, started = self.sink.count, time.monotonic()
            self.publish(stream, THROUGHPUT_JOBS)
            wait_until(lambda: self.sink.count - before >= THROUGHPUT_JOBS, 600)
            return THROUGHPUT_JOBS / (time.monotonic() - started)
        finally:
            stop(processes)

    def latency(self, samples=200):
        """From XADD to the SMTP server accepting the message, with 3 idle workers waiting on the queue."""
        processes, stream = self.workers(3, f"bench-{uuid.uuid4().hex[:8]}:")
        try:
            delays = []
            for number in range(samples):
                job = receipt(number)
                published = time.monotonic()
                self.redis.xadd(stream, {"job": job.to_json()})
                wait_until(lambda job=job: job.event_id in self.sink.arrived, 30)
                delays.append((self.sink.arrived[job.event_id] - published) * 1000)
            return statistics.median(delays), statistics.quantiles(delays, n=20)[18]
        finally:
            stop(processes)

    def memory(self):
        processes, stream = self.workers(1, f"bench-{uuid.uuid4().hex[:8]}:")
        try:
            before = self.sink.count
            self.publish(stream, 100)
            wait_until(lambda: self.sink.count - before >= 100, 120)
            first = rss(processes[0].pid)
            self.publish(stream, MEMORY_JOBS, start=100)
            wait_until(lambda: self.sink.count - before >= 100 + MEMORY_JOBS, 1200)
            return first, rss(processes[0].pid)
        finally:
            stop(processes)

    def close(self):
        self.smtp.stop()
        self.redis.close()
        if self.private_redis:
            self.private_redis.stop()


def receipt(number):
    return EmailJob(
        type="payment.receipt",
        to=f"bench{number}@example.com",
        account="99939999",
        data={
            "payment_id": f"P-{number}",
            "date": "2016-02-15",
            "total": "215.95",
            "allocations": [{"invoice": "528132", "amount": "108.00"}, {"invoice": "528131", "amount": "107.95"}],
            "card": {"brand": "Visa", "last4": "1111"},
            "account": "99939999",
            "account_name": "Jones, Michael",
        },
    )


def rss(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def stop(processes):
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main():
    with tempfile.TemporaryDirectory(prefix="billpay-email-bench-") as directory:
        bench = Bench(directory)
        try:
            print(f"delivery log: {bench.db_url.split('://')[0]}; {THROUGHPUT_JOBS} receipt jobs per run", flush=True)
            one = bench.throughput(1)
            print(f"1 worker:  {one:.0f} e-mails/s", flush=True)
            three = bench.throughput(3)
            print(f"3 workers: {three:.0f} e-mails/s (target >= 400)", flush=True)
            median, p95 = bench.latency()
            print(f"queue to SMTP accepted: median {median:.1f} ms, p95 {p95:.1f} ms", flush=True)
            first, last = bench.memory()
            change = (last - first) / first * 100
            print(
                f"worker RSS: {first / 2**20:.1f} MB after 100 jobs, {last / 2**20:.1f} MB after "
                f"{MEMORY_JOBS} more ({change:+.1f} %, target within 10 %)",
                flush=True,
            )
            save_results(
                {
                    "emails_per_s_1": one,
                    "emails_per_s_3": three,
                    "queue_to_smtp_p95_ms": p95,
                    "worker_rss_mb": last / 2**20,
                    "worker_rss_growth_pct": change,
                }
            )
        finally:
            bench.close()


if __name__ == "__main__":
    main()
