"""The AutoPay run at scale: 10,000 enrolled accounts with one due invoice each, the sandbox processor answering
each charge in 400 ms, paced at 100 charges/s (target: done in <= 2 min, exactly one charge per account).

    .venv/bin/python -m bench.autopay          (or BENCH_PARTS=autopay make bench)

BENCH_AUTOPAY_ACCOUNTS (10000), BENCH_LATENCY_MS (400), BENCH_AUTOPAY_RATE (100), BENCH_AUTOPAY_CONCURRENCY (50),
BENCH_AUTOPAY_POOL_SIZE (25: the run's PAYMENT_DATABASE_POOL_SIZE), BENCH_AUTOPAY_PROCESSES (1: AUTOPAY_PROCESSES, the
processes the run is split into, each with its share of the accounts, the rate and the threads).
Its own databases (bench_autopay_*, made afresh on the machine's PostgreSQL; SQLite under a temporary folder when
there is none), seeded in bulk: the invoices by invoice_service's own import, the sandbox's saved cards and
payment_service's profiles and enrolments by SQL. invoice_service and the sandbox run under gunicorn as in
deploy/; the run is `flask --app payment_service autopay run`, a process of its own, timed from start to exit."""

import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text

from devtools.ports import free_port
from devtools.stack import ROOT, SANDBOX, Stack

from .cpu import LOAD, CpuMeter
from .table import save_results

ACCOUNTS = int(os.environ.get("BENCH_AUTOPAY_ACCOUNTS", "10000"))
LATENCY_MS = os.environ.get("BENCH_LATENCY_MS", "400")
RATE = os.environ.get("BENCH_AUTOPAY_RATE", "100")
CONCURRENCY = os.environ.get("BENCH_AUTOPAY_CONCURRENCY", "50")
POOL_SIZE = os.environ.get("BENCH_AUTOPAY_POOL_SIZE", "25")
PROCESSES = os.environ.get("BENCH_AUTOPAY_PROCESSES", "1")
SERVICES = ("invoice_service", "payment_service")
AMOUNT = "49.95"
FIRST_ACCOUNT = 40000000


def _databases(var_dir):
    """{service or "sandbox": URL}: fresh bench_autopay_* databases on PostgreSQL, else SQLite files."""
    names = (*SERVICES, "sandbox")
    try:
        import psycopg

        with psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True, connect_timeout=3
        ) as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "bench_autopay_{name}" WITH (FORCE)')
                connection.execute(f'CREATE DATABASE "bench_autopay_{name}"')
        return {name: f"postgresql+psycopg://postgres@127.0.0.1:5432/bench_autopay_{name}" for name in names}
    except Exception as error:  # no PostgreSQL here: say so, carry on
        print(f"PostgreSQL not reachable ({type(error).__name__}); the AutoPay run is measured on SQLite.")
        return {name: f"sqlite:///{var_dir}/{name}.db" for name in names}


def build_stack(var_dir, databases):
    environ = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL") and k != "REDIS_URL"}
    environ.update(
        INVOICE_SERVICE_DATABASE_URL=databases["invoice_service"],
        PAYMENT_SERVICE_DATABASE_URL=databases["payment_service"],
        SANDBOX_DATABASE_URL=databases["sandbox"],
        REDIS_KEY_PREFIX=f"bench-autopay-{uuid.uuid4().hex[:8]}:",
        LOG_LEVEL="WARNING",
        SANDBOX_LATENCY_MS=LATENCY_MS,
        GUNICORN_THREADS=os.environ.get("BENCH_GUNICORN_THREADS", "32"),
        AUTOPAY_RATE_LIMIT_PER_SECOND=RATE,
        AUTOPAY_CONCURRENCY=CONCURRENCY,
        AUTOPAY_PROCESSES=PROCESSES,
        PAYMENT_DATABASE_POOL_SIZE=POOL_SIZE,
    )
    return Stack(
        var_dir,
        ports={"invoice_service": free_port(), "payment_service": free_port(), SANDBOX: free_port()},
        environ=environ,
        services=list(SERVICES),
        log_dir=var_dir / "logs",
        mail_port=free_port(),
        web_concurrency=int(os.environ.get("BENCH_WEB_CONCURRENCY", "2")),
    )


def _sandbox_tables(url):
    """Made before the sandbox starts: its gunicorn workers would otherwise race to create them on PostgreSQL."""
    from sandbox_processor.ledger import db

    engine = create_engine(url)
    db.metadata.create_all(engine)
    engine.dispose()


def account_number(index):
    return str(FIRST_ACCOUNT + index)


def _invoice_file(path, count, due):
    """One account and one invoice (with its charge) per subscriber, in invoice_service's import format."""
    with open(path, "w") as out:
        out.write(
            "record,account,name,line1,line2,city,state,zip,account_type,status,comm_type,online_date,phone,"
            "email,invoice,date,due_date,amount,description,period_start,period_end,quantity,unit_price,tax\n"
        )
        issued = due - timedelta(days=30)
        for index in range(count):
            account, number = account_number(index), f"AP{index:08d}"
            out.write(
                f'account,{account},"Subscriber {index}, Bench",{index} Main Street,,Syracuse,NY,13204,Residential,'
                f"Active,Digital,2013-06-05,555-0100,autopay{index}@example.com" + "," * 10 + "\n"
            )
            out.write(f"invoice,{account}" + "," * 13 + f"{number},{issued},{due},{AMOUNT}" + "," * 6 + "\n")
            out.write("charge" + "," * 14 + f"{number},,,,Central station monitoring,{issued},{due},1,{AMOUNT},0.00\n")


def _rows(count, now):
    from payment_service.autopay_terms import CURRENT

    cards, profiles, enrolments = [], [], []
    for index in range(count):
        account, token, profile = account_number(index), f"pm_sbx_bench{index:08d}", f"prbench{index:08d}"
        cards.append(
            {
                "id": token,
                "outcome": "approve",
                "brand": "Visa",
                "last4": "4242",
                "exp_month": 12,
                "exp_year": 2035,
                "fingerprint": f"bench{index:011d}",
                "attached": True,
                "used": False,
                "created_at": now,
            }
        )
        profiles.append(
            {
                "id": profile,
                "account": account,
                "token": token,
                "kind": "card",
                "brand": "Visa",
                "last4": "4242",
                "exp_month": 12,
                "exp_year": 2035,
                "is_default": True,
                "created_at": now,
            }
        )
        enrolments.append(
            {
                "account": account,
                "status": "on",
                "method_type": "card",
                "profile_id": profile,
                "terms_version": CURRENT,
                "created_at": now,
                "updated_at": now,
            }
        )
    return cards, profiles, enrolments


def seed(stack, databases, count, due):
    """The invoices through invoice_service's import; the cards (attached, so chargeable again and again), the
    saved profiles and the enrolments by SQL into the sandbox's and payment_service's own databases."""
    from sandbox_processor.ledger import PaymentMethod

    from payment_service.models import AutoPayEnrolment, PaymentProfile

    started = time.monotonic()
    path = stack.var_dir / "autopay_invoices.csv"
    _invoice_file(path, count, due)
    stack.flask("invoice_service", "import", str(path))
    cards, profiles, enrolments = _rows(count, datetime.now(UTC).replace(tzinfo=None))
    for url, table, rows in (
        (databases["sandbox"], PaymentMethod.__table__, cards),
        (databases["payment_service"], PaymentProfile.__table__, profiles),
        (databases["payment_service"], AutoPayEnrolment.__table__, enrolments),
    ):
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(insert(table), rows)
        engine.dispose()
    print(f"Seeded {count} enrolled accounts with one due invoice each in {time.monotonic() - started:.1f} s")


def run_autopay(stack, day):
    """(wall seconds, the run's summary as {name: count}, its exit code)."""
    command = [sys.executable, "-m", "flask", "--app", "payment_service", "autopay", "run", "--date", day.isoformat()]
    started = time.monotonic()
    with open(stack.log_dir / "autopay_run.log", "wb") as log:
        finished = subprocess.run(
            command, env=stack.service_env("payment_service"), cwd=ROOT, stdout=subprocess.PIPE, stderr=log
        )
    seconds = time.monotonic() - started
    words = finished.stdout.decode().split()
    summary = {name: int(count) for name, _, count in (word.partition("=") for word in words) if count.isdigit()}
    return seconds, summary, finished.returncode


def charges_per_account(databases):
    """{saved card token: charges the sandbox's ledger holds for it}: each account has a card of its own."""
    engine = create_engine(databases["sandbox"])
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT payment_method, COUNT(*) FROM charges WHERE status = 'charged' GROUP BY payment_method")
        ).all()
    engine.dispose()
    return dict(rows)


def paid_invoices(databases):
    engine = create_engine(databases["invoice_service"])
    with engine.connect() as connection:
        paid = connection.execute(
            text("SELECT COUNT(*) FROM invoices WHERE balance = 0 AND number LIKE 'AP%'")
        ).scalar_one()
    engine.dispose()
    return paid


def print_figures(count, seconds, summary, code, charges, paid, cpu):
    per_account = [charges.get(f"pm_sbx_bench{index:08d}", 0) for index in range(count)]
    not_once = sum(1 for n in per_account if n != 1)
    errors = {k: v for k, v in summary.items() if k not in ("succeeded", "in_flight_max")}
    print(
        f"\n| AutoPay run ({count} accounts, processor {LATENCY_MS} ms, {RATE} charges/s, {CONCURRENCY} threads, "
        f"{PROCESSES} processes) "
        "| figure | target |\n|---|---|---|"
    )
    print(f"| total time | {seconds:.1f} s | <= 120 s for 10,000 |")
    print(f"| accounts/s | {count / seconds:.1f} | >= 83 (the pacer allows {RATE}) |")
    print(f"| in flight reached | {summary.get('in_flight_max', 0)} | >= {float(RATE) * int(LATENCY_MS) / 1000:.0f} |")
    print(
        f"| charges per account | min {min(per_account)}, max {max(per_account)}; {not_once} accounts not "
        "charged exactly once | exactly 1 |"
    )
    print(f"| succeeded / invoices paid | {summary.get('succeeded', 0)} / {paid} | {count} |")
    print(f"| errors and other outcomes | {errors or 0} (exit code {code}) | 0 |")
    save_results(
        {
            "accounts": count,
            "seconds": seconds,
            "in_flight_max": summary.get("in_flight_max", 0),
            "not_charged_once": not_once,
            "errors": sum(errors.values()) + (code != 0),
            "cpu_ms_per_account": sum(cpu.values()) / count * 1000 if cpu else None,
        }
    )
    if cpu:
        total = sum(cpu.values())
        print(f"\nCPU per account: {total / count * 1000:.1f} ms over every process (from /proc):")
        for name, spent in sorted(cpu.items(), key=lambda item: -item[1]):
            label = "AutoPay run (flask autopay run, its shards' processes included)" if name == LOAD else name
            print(f"  {label}: {spent:.1f} s ({spent / count * 1000:.1f} ms/account)")


def _print_log_tails(stack):
    for name in ("autopay_run", SANDBOX, "invoice_service"):
        path = stack.log_dir / f"{name}.log"
        if path.exists():
            print(f"\n--- the end of {name}'s log:\n{path.read_text(errors='replace')[-2500:]}")


def main():
    day = datetime.now(UTC).date()
    with tempfile.TemporaryDirectory(prefix="billpay-bench-autopay-") as var:
        var_dir = Path(var)
        databases = _databases(var_dir)
        stack = build_stack(var_dir, databases)
        try:
            stack.prepare()
            _sandbox_tables(databases["sandbox"])
            for service in (SANDBOX, "invoice_service"):  # no payment worker: it would start the run itself
                stack.start_service(service)
                stack.wait_healthy(service)
            seed(stack, databases, ACCOUNTS, day)
            meter = CpuMeter(stack.processes).start()
            seconds, summary, code = run_autopay(stack, day)
            cpu = meter.stop()
            charges = charges_per_account(databases)
            print_figures(ACCOUNTS, seconds, summary, code, charges, paid_invoices(databases), cpu)
            if summary.get("succeeded", 0) != ACCOUNTS:
                _print_log_tails(stack)
        finally:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
