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
from devtools.stack import ROOT, SANDBOX, WEB_SERVICES, Stack

from . import capacity, load, scenario
from .memory import PeakMemory
from .nginx import Nginx, nginx_binary


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
        GUNICORN_THREADS=os.environ.get("BENCH_GUNICORN_THREADS", "32"),
        PAYMENT_DATABASE_POOL_SIZE=os.environ.get("BENCH_PAYMENT_POOL_SIZE", "22"),
    )
    return Stack(
        var_dir,
        ports={s: free_port() for s in (*WEB_SERVICES, SANDBOX)},
        environ=environ,
        log_dir=var_dir / "logs",
        mail_port=free_port(),
        web_concurrency=WEB_CONCURRENCY,
    )


def row(name, figures):
    cells = [
        f"{figures['rps']:.0f}",
        f"{figures['p50_ms']:.1f}",
        f"{figures['p99_ms']:.1f}",
        f"{figures['non_2xx']:.0f}",
    ]
    return f"| {name} | {' | '.join(cells)} |"


def http_figures(stack, data):
    results = _Progress()
    gw, invoice, payment = stack.url("gateway"), stack.url("invoice_service"), stack.url("payment_service")
    bearer = {"Authorization": f"Bearer {data.token}"}
    query = "?start=1990-01-01&end=2030-12-31&status=all&per_page=25"
    results["Billing page, through the gateway (HTML)"] = load.measure(gw + "/billing", {"Cookie": data.cookie})
    results["Account data, direct to invoice_service"] = load.measure(invoice + "/account", bearer)
    results["Invoice list, through the gateway"] = load.measure(gw + "/api/invoices" + query, bearer)
    results["Invoice list, direct to invoice_service"] = load.measure(invoice + "/invoices" + query, bearer)
    nginx_port = free_port()
    if nginx_binary():
        with Nginx(nginx_port, stack.ports["invoice_service"]):
            results["Invoice list, through nginx (reference proxy)"] = load.measure(
                f"http://127.0.0.1:{nginx_port}/invoices" + query, bearer
            )
    body = scenario.payment_body(data)
    json_headers = {"Authorization": f"Bearer {data.pay_token}"}
    results["Payment, through the gateway"] = load.measure(gw + "/api/payments", json_headers, body=body, connections=4)
    results["Payment, direct to payment_service"] = load.measure(
        payment + "/payments", json_headers, body=body, connections=4
    )
    return results


class _Progress(dict):
    """Says which figure is being measured, so a long run shows where it is."""

    def __setitem__(self, name, figures):
        print(f"  {name}: {figures['rps']:.0f} req/s", flush=True)
        super().__setitem__(name, figures)


def print_table(results, receipts, memory, per_process):
    print("\n| request | requests/s | median ms | p99 ms | non-2xx |\n|---|---|---|---|---|")
    for name, figures in results.items():
        print(row(name, figures))
    direct = results.get("Invoice list, direct to invoice_service")
    if direct:
        gateway = results["Invoice list, through the gateway"]
        print(f"\nGateway throughput / direct: {gateway['rps'] / direct['rps']:.2f}")
        nginx = results.get("Invoice list, through nginx (reference proxy)")
        if nginx:
            print(f"nginx throughput / direct:   {nginx['rps'] / direct['rps']:.2f}")
            print(f"Gateway / nginx:             {gateway['rps'] / nginx['rps']:.2f}  (target >= 0.5)")
    if receipts:
        print(
            "\nReceipt accepted by SMTP, from the payment request being sent (upper bound of commit -> SMTP): "
            f"median {receipts['p50_ms']:.0f} ms, "
            f"p95 {receipts['p95_ms']:.0f} ms over {receipts['count']} payments (target p95 <= 1000 ms)"
        )
    print("\n| process | peak RSS of its tree (MB) | largest single process after the run (MB) |\n|---|---|---|")
    for name in sorted(memory):
        print(f"| {name} | {memory[name] / 2**20:.0f} | {per_process.get(name, 0) / 2**20:.0f} |")


def run_part(script, **env):
    print(f"\n## {script}", flush=True)
    subprocess.run(
        [sys.executable, "-m", f"bench.{script.removesuffix('.py')}"],
        cwd=ROOT,
        env=dict(os.environ, **env),
        check=False,
    )


def _stop_on_sigterm():
    """SIGTERM (a time limit, say) unwinds like Ctrl-C, so the stack's processes are stopped, not orphaned."""

    def interrupt(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def main():
    _stop_on_sigterm()
    if PARTS == "autopay":
        run_part("autopay.py")
        return 0
    if not load.wrk_available():
        print("wrk is not installed (apt-get install wrk): the HTTP figures are skipped.")
    with tempfile.TemporaryDirectory(prefix="billpay-bench-") as var:
        databases = _postgres_urls() or {}
        stack = build_stack(Path(var), databases)
        try:
            stack.prepare().start()
            data = scenario.prepare(stack)
            payers = capacity.prepare_payers(stack)
            with PeakMemory(stack.processes) as memory:
                results, receipts = {}, None
                if load.wrk_available() and PARTS != "capacity":
                    results = http_figures(stack, data)
                    receipts = scenario.receipt_latency(stack, data)
                payments = capacity.payments_at_latency(stack, data, payers) if load.wrk_available() else None
            print_table(results, receipts, memory.peaks, memory.per_process())
            if payments:
                balances = capacity.balances_right(databases, payers) if databases else None
                capacity.print_figures(*payments, balances)
            stopped = {
                name: process.returncode for name, process in stack.processes.items() if process.poll() is not None
            }
            if stopped:
                print(f"\nProcesses that stopped during the run (exit codes): {stopped}")
        finally:
            stack.stop()
    if PARTS == "all":
        run_part("email_delivery.py")
        # 100,000 accounts and 1,000,000 invoices in PostgreSQL (bench_invoices, made afresh above)
        run_part("invoices.py", BENCH_DATABASE_URL=databases.get("invoices", ""))
        run_part("autopay.py")
    return 0


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"\nmake bench took {time.monotonic() - started:.0f} s")
    sys.exit(code)
