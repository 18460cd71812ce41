"""invoice_service at scale: import 100,000 accounts and 1,000,000 invoices, then time the invoice list.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/invoice_bench \
        .venv/bin/python -m bench.invoices [--accounts 100000] [--invoices-per-account 10] [--calls 2000]

The database named by BENCH_DATABASE_URL is WIPED. Redis: REDIS_URL (default the machine's 127.0.0.1:6379).
Targets: import >= 5,000 rows/s with peak RSS < 200 MB; list p99 <= 20 ms; service RSS < 100 MB.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from devtools.ports import free_port

from .table import save_results

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
FIRST_INVOICE_DATE = date(2024, 1, 15)


def service_env(database_url, **extra):
    return {
        **os.environ,
        "LOG_LEVEL": "WARNING",
        "INVOICE_SERVICE_DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        **extra,
    }


def wipe_and_migrate(database_url):
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    subprocess.run(
        [PYTHON, "-m", "flask", "--app", "invoice_service", "db", "upgrade"],
        cwd=REPO / "invoice_service",
        env=service_env(database_url),
        check=True,
        capture_output=True,
    )


def month(index):
    year, month0 = divmod(FIRST_INVOICE_DATE.month - 1 + index, 12)
    return date(FIRST_INVOICE_DATE.year + year, month0 + 1, 15)


def write_file(path, accounts, per_account):
    header = (
        "record,account,name,line1,line2,city,state,zip,account_type,status,comm_type,online_date,phone,"
        "email,invoice,date,due_date,amount,description,period_start,period_end,quantity,unit_price,tax\n"
    )
    dates = [(month(i), month(i) + timedelta(days=30)) for i in range(per_account)]
    rows = 0
    with open(path, "w") as out:
        out.write(header)
        for a in range(accounts):
            account = f"{30000000 + a}"
            out.write(
                f'account,{account},"Subscriber {a}, Bench",{a} Main Street,,Syracuse,NY,13204,Residential,'
                f"Active,Digital,2013-06-05,555-0100,s{a}@example.com" + "," * 10 + "\n"
            )
            for i, (day, due) in enumerate(dates):
                number = f"B{a * per_account + i:08d}"
                out.write(f"invoice,{account}" + "," * 13 + f"{number},{day},{due},108.00" + "," * 6 + "\n")
                out.write("charge" + "," * 14 + f"{number},,,,Central station monitoring,{day},{due},1,100.00,8.00\n")
            rows += 1 + 2 * per_account
    return rows


def run_import(path, database_url):
    started = time.perf_counter()
    child = subprocess.Popen(
        [PYTHON, "-m", "flask", "--app", "invoice_service", "import", str(path)],
        cwd=REPO,
        env=service_env(database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, output, child.returncode


def random_query(accounts, per_account):
    account = f"{30000000 + random.randrange(accounts)}"
    first = random.randrange(per_account)
    last = min(per_account - 1, first + random.randrange(1, 13))
    status = random.choice(["all", "open"])
    return account, f"/invoices?start={month(first)}&end={month(last)}&status={status}&per_page=25"


def summarize(name, seconds):
    ms = sorted(s * 1000 for s in seconds)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"{name}: {len(ms)} calls, median {statistics.median(ms):.2f} ms, p99 {p99:.2f} ms, max {ms[-1]:.2f} ms")
    return p99


def time_in_process(database_url, tokens, accounts, per_account, calls):
    os.environ.update(service_env(database_url))
    from invoice_service import create_app

    app = create_app()
    tokens.install(app)
    client = app.test_client()
    timings = []
    for n in range(calls + 100):
        account, query = random_query(accounts, per_account)
        headers = tokens.headers(account)
        started = time.perf_counter()
        response = client.get(query, headers=headers)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.json
        if n >= 100:  # the first calls warm the pool and caches
            timings.append(elapsed)
    return summarize("in-process WSGI /invoices", timings)


class _Jwks(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


def serve_jwks(tokens):
    """auth_service's /auth/jwks stand-in: publishes the bench's token key so gunicorn can verify tokens."""
    import jwt

    jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(tokens.private_key.public_key()))
    jwk.update(kid=tokens.kid, use="sig", alg="EdDSA")
    _Jwks.body = json.dumps({"keys": [jwk]}).encode()
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def time_over_http(database_url, tokens, accounts, per_account, calls):
    import urllib3

    jwks = serve_jwks(tokens)
    port = free_port()
    env = service_env(
        database_url,
        PORT=str(port),
        HOST="127.0.0.1",
        WEB_CONCURRENCY="1",
        AUTH_SERVICE_URL=f"http://127.0.0.1:{jwks.server_address[1]}",
    )
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", str(REPO / "deploy" / "gunicorn.conf.py"), "invoice_service:create_app()"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pool = urllib3.HTTPConnectionPool("127.0.0.1", port, maxsize=1, retries=False, timeout=5)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if pool.request("GET", "/healthz").status == 200:
                    break
            except urllib3.exceptions.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.1)
        timings = []
        for n in range(calls + 100):
            account, query = random_query(accounts, per_account)
            headers = tokens.headers(account)
            started = time.perf_counter()
            response = pool.request("GET", query, headers=headers)
            elapsed = time.perf_counter() - started
            assert response.status == 200, response.data[:300]
            if n >= 100:
                timings.append(elapsed)
        p99 = summarize("HTTP (gunicorn, 1 worker) /invoices", timings)
        workers = [int(pid) for pid in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()]
        worker_rss = max(rss_mb(pid) for pid in workers)
        print(f"service RSS after warm-up: worker {worker_rss:.0f} MB, master {rss_mb(server.pid):.0f} MB")
        return p99, worker_rss
    finally:
        server.terminate()
        server.wait(timeout=30)
        jwks.shutdown()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--invoices-per-account", type=int, default=10)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--import-twice", action="store_true", help="import the file again: all unchanged")
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", "")
    if not database_url.startswith("postgresql"):
        raise SystemExit("Set BENCH_DATABASE_URL to a PostgreSQL database this bench may wipe.")
    from devtools.testing import TestTokens

    wipe_and_migrate(database_url)
    figures = {}
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "bench.csv"
        started = time.perf_counter()
        rows = write_file(path, args.accounts, args.invoices_per_account)
        print(
            f"generated {rows:,} rows ({path.stat().st_size / 2**20:.0f} MB) in {time.perf_counter() - started:.0f} s"
        )
        for attempt in ("import", "second import")[: 1 + args.import_twice]:
            seconds, peak_mb, output, code = run_import(path, database_url)
            records = args.accounts * (1 + args.invoices_per_account)
            print(output.strip())
            print(
                f"{attempt}: exit {code}, {seconds:.1f} s, {rows / seconds:,.0f} rows/s "
                f"({records / seconds:,.0f} accounts+invoices/s), peak RSS {peak_mb:.0f} MB"
            )
            figures.setdefault("import_rows_per_s", rows / seconds)
            figures.setdefault("import_peak_rss_mb", peak_mb)
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()
    tokens = TestTokens()
    p99, worker_rss = time_over_http(database_url, tokens, args.accounts, args.invoices_per_account, args.calls)
    figures.update(list_p99_ms=p99, list_worker_rss_mb=worker_rss)
    figures["list_in_process_p99_ms"] = time_in_process(
        database_url, tokens, args.accounts, args.invoices_per_account, args.calls
    )
    save_results(figures)


if __name__ == "__main__":
    main()
