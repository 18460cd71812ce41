"""make bench: the stack on PostgreSQL and Redis (gunicorn as in deploy/), then one table of figures."""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from devtools.ports import free_port
from devtools.stack import DEMO_ACCOUNT, ROOT, SANDBOX, WEB_SERVICES, Stack

from . import capacity, load, report, scenario
from .bare_reference import BareFlask
from .memory import PeakMemory
from .nginx import Nginx, nginx_binary
from .table import load_results, print_table


def _postgres_urls():
    """Fresh databases on the machine's PostgreSQL, or None to fall back to SQLite (said in the output)."""
    try:
        import psycopg

        urls = {}
        with psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True, connect_timeout=3
        ) as connection:
            for name in ("auth_service", "invoice_service", "payment_service", "notification_service", "invoices"):
                connection.execute(f'DROP DATABASE IF EXISTS "bench_{name}" WITH (FORCE)')
                connection.execute(f'CREATE DATABASE "bench_{name}"')
                urls[name] = f"postgresql+psycopg://postgres@127.0.0.1:5432/bench_{name}"
        return urls
    except Exception as error:  # any connection problem means "no PostgreSQL here": say so, carry on
        print(f"PostgreSQL not reachable ({type(error).__name__}); benchmarking on SQLite instead.")
        return None


def _redis_url():
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2).ping()
        return "redis://127.0.0.1:6379/0"
    except redis.RedisError:
        print("Redis 127.0.0.1:6379 not reachable; using a private Redis.")
        return None


WEB_CONCURRENCY = int(os.environ.get("BENCH_WEB_CONCURRENCY", "2"))
PARTS = os.environ.get("BENCH_PARTS", "all")  # all, stack (this process's figures only), capacity or autopay
THREADS = os.environ.get("BENCH_GUNICORN_THREADS", "32")
PAYMENT_POOL = os.environ.get("BENCH_PAYMENT_POOL_SIZE", "22")
# As deploy/k8s sizes them (README, Processes and threads): the gateway holds a thread per payment in flight plus
# the pages', its payment slots keep payment_service's threads from all going to payments.
GATEWAY_THREADS = os.environ.get("BENCH_GATEWAY_THREADS", "64")
PAYMENT_SLOTS = os.environ.get("BENCH_GATEWAY_PAYMENT_SLOTS", "12")
PAYMENT_THREADS = os.environ.get("BENCH_PAYMENT_THREADS", "48")
LIST_QUERY = "?start=1990-01-01&end=2030-12-31&status=all&per_page=20"


def build_stack(var_dir, databases):
    environ = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL") and k != "REDIS_URL"}
    environ.update({f"{name.upper()}_DATABASE_URL": url for name, url in databases.items() if name != "invoices"})
    redis_url = _redis_url()
    if redis_url:
        environ["REDIS_URL"] = redis_url
    environ.update(
        REDIS_KEY_PREFIX=f"bench-{uuid.uuid4().hex[:8]}:",
        LOG_LEVEL="WARNING",
        LOGIN_RATE_LIMIT="100000 per minute",
        EMAIL_DAILY_LIMIT_PER_ACCOUNT="100000",  # every receipt goes to bench@example.com
        EMAIL_DAILY_LIMIT_PER_RECIPIENT="100000",
        SANDBOX_LATENCY_MS=os.environ.get("BENCH_LATENCY_MS", "400"),  # a real processor answers in 300-800 ms
        GUNICORN_THREADS=THREADS,
        PAYMENT_DATABASE_POOL_SIZE=PAYMENT_POOL,
    )
    return Stack(
        var_dir,
        service_environ={
            "gateway": {"GUNICORN_THREADS": GATEWAY_THREADS, "GATEWAY_PAYMENT_SLOTS": PAYMENT_SLOTS},
            "payment_service": {"GUNICORN_THREADS": PAYMENT_THREADS},
        },
        ports={s: free_port() for s in (*WEB_SERVICES, SANDBOX)},
        environ=environ,
        log_dir=var_dir / "logs",
        mail_port=free_port(),
        web_concurrency=WEB_CONCURRENCY,
    )


def http_figures(stack, data):
    results = _Progress()
    gw, invoice, payment = stack.url("gateway"), stack.url("invoice_service"), stack.url("payment_service")
    bearer = {"Authorization": f"Bearer {data.token}"}
    results["billing"] = load.measure(gw + "/billing", {"Cookie": data.cookie})
    results["list_gateway"] = load.measure(gw + "/api/invoices" + LIST_QUERY, bearer)
    results["list_service"] = load.measure(invoice + "/invoices" + LIST_QUERY, bearer)
    with BareFlask(stack) as bare:
        bare.check_same_rows(invoice + "/invoices" + LIST_QUERY, bearer, DEMO_ACCOUNT)
        results["list_bare_flask"] = load.measure(bare.url(DEMO_ACCOUNT), {})
    nginx_port = free_port()
    if nginx_binary():
        with Nginx(nginx_port, stack.ports["invoice_service"]):
            results["list_nginx"] = load.measure(f"http://127.0.0.1:{nginx_port}/invoices" + LIST_QUERY, bearer)
    body = scenario.payment_body(data)
    json_headers = {"Authorization": f"Bearer {data.pay_token}"}
    results["payment_gateway"] = load.measure(gw + "/api/payments", json_headers, body=body, connections=4)
    results["payment_direct"] = load.measure(payment + "/payments", json_headers, body=body, connections=4)
    return results


class _Progress(dict):
    """Says which figure is being measured, so a long run shows where it is."""

    def __setitem__(self, name, figures):
        print(f"  {name}: {figures['rps']:.0f} req/s, p99 {figures['p99_ms']:.1f} ms", flush=True)
        super().__setitem__(name, figures)


def run_part(script, **env):
    """A part in its own process; its figures (written to BENCH_RESULTS) for the table."""
    print(f"\n## {script}", flush=True)
    with tempfile.NamedTemporaryFile(suffix=".json") as results:
        subprocess.run(
            [sys.executable, "-m", f"bench.{script.removesuffix('.py')}"],
            cwd=ROOT,
            env=dict(os.environ, BENCH_RESULTS=results.name, **env),
            check=False,
        )
        return load_results(results.name)


def _stop_on_sigterm():
    """SIGTERM (a time limit, say) unwinds like Ctrl-C, so the stack's processes are stopped, not orphaned."""

    def interrupt(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def main():
    _stop_on_sigterm()
    if PARTS == "autopay":
        print_table(report.figures(report.Found(settings=settings_used(), autopay=run_part("autopay.py"))))
        return 0
    if not load.wrk_available():
        print("wrk is not installed (apt-get install wrk): the HTTP figures are skipped.")
    found = report.Found(settings=settings_used())
    with tempfile.TemporaryDirectory(prefix="billpay-bench-") as var:
        databases = _postgres_urls() or {}
        stack = build_stack(Path(var), databases)
        try:
            stack.prepare().start()
            data = scenario.prepare(stack)
            payers = capacity.prepare_payers(stack)
            with PeakMemory(stack.processes) as memory:
                if load.wrk_available() and PARTS != "capacity":
                    found.http = http_figures(stack, data)
                    found.receipts = scenario.receipt_latency(stack, data)
                if load.wrk_available():
                    found.payments, found.pages, found.cpu = capacity.payments_at_latency(stack, data, payers)
                    if capacity.ALONE_SECONDS:
                        found.payments_alone = capacity.payments_alone(stack, payers)
                    if capacity.SOAK_PAYMENTS:
                        found.soak = capacity.soak(stack, payers)
            found.peak_rss, found.rss = memory.peaks, memory.per_process()
            if found.payments and databases:
                found.balances = capacity.balances_right(databases, payers)
            found.stopped = {
                name: process.returncode for name, process in stack.processes.items() if process.poll() is not None
            }
        finally:
            stack.stop()
    if PARTS == "all":
        found.email = run_part("email_delivery.py")
        # 100,000 accounts and 1,000,000 invoices in PostgreSQL (bench_invoices, made afresh above)
        found.invoices = run_part("invoices.py", BENCH_DATABASE_URL=databases.get("invoices", ""))
        found.autopay = run_part("autopay.py")
    print_table(report.figures(found))
    if found.stopped:
        print(f"\nProcesses that stopped during the run (exit codes): {found.stopped}")
    return 0


def settings_used():
    return (
        f"every service {WEB_CONCURRENCY} gunicorn processes, gthread: gateway {GATEWAY_THREADS} threads and"
        f" {PAYMENT_SLOTS} payment slots/process, payment_service {PAYMENT_THREADS} threads and pool"
        f" {PAYMENT_POOL}/process, the others {THREADS} threads; processor latency"
        f" {os.environ.get('BENCH_LATENCY_MS', '400')} ms; payment load {capacity.CONNECTIONS} connections x"
        f" {capacity.SECONDS} s"
    )


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"\nmake bench took {time.monotonic() - started:.0f} s")
    sys.exit(code)
