"""Payments through the gateway with the sandbox processor answering each charge late (SANDBOX_LATENCY_MS), the
Billing page and the invoice list measured at the same time, the balances checked afterwards, and the CPU time
of every process per payment (from /proc through psutil, not wall time)."""

import json
import os
import threading
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal

import psutil
import psycopg

from devtools.api_client import ApiClient
from devtools.testing import unique_account

from . import load, scenario
from .cpu import CpuMeter

PAYERS = int(os.environ.get("BENCH_PAYERS", "20"))
SECONDS = int(os.environ.get("BENCH_PAYMENT_SECONDS", "30"))
CONNECTIONS = int(os.environ.get("BENCH_PAYMENT_CONNECTIONS", "96"))
AMOUNT = Decimal("1.00")  # the smallest payment taken
OPENING = Decimal("900000.00")

# Each request pays 1.00 from one of the payers (their token, their invoice, their saved card), chosen in turn.
# Every request's Idempotency-Key is new: the run's id, the wrk thread's number (wrk's threads share one random
# seed, so math.random keys collided and were replayed, not paid) and the thread's own counter.
# Every answer that is not a 2xx is counted by its status, with the first such answer kept, and done() prints them.
PAYERS_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
threads = {}
setup = function(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end
counter = 0
request = function()
  counter = counter + 1
  local payer = PAYERS[(counter %% #PAYERS) + 1]
  wrk.headers["Authorization"] = "Bearer " .. payer[1]
  wrk.headers["Idempotency-Key"] = string.format("cap-%%s-%%d-%%d", RUN, thread_number, counter)
  return wrk.format(nil, nil, nil, payer[2])
end
refused, first_answer = {}, {}
response = function(status, headers, body)
  if status >= 300 then
    refused[status] = (refused[status] or 0) + 1
    first_answer[status] = first_answer[status] or string.sub(string.gsub(body or "", "%%s+", " "), 1, 300)
  end
end
done = function(summary, latency, requests)
  local by_status, answers = {}, {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("refused")) do
      by_status[status] = (by_status[status] or 0) + count
      answers[status] = answers[status] or thread:get("first_answer")[status]
    end
  end
  for status, count in pairs(by_status) do
    io.write(string.format("Refused with status %%d: %%d: %%s\\n", status, count, answers[status]))
  end
end
"""


@dataclass
class Payer:
    token: str
    invoice: str
    body: str


def prepare_payers(stack, count=PAYERS):
    """`count` accounts, each with a portal login, one large invoice and a saved test Visa."""
    payers = []
    for _ in range(count):
        data = new_payer_data(stack)
        body = json.dumps({"allocations": [{"invoice": data[1], "amount": str(AMOUNT)}], "profile_id": data[2]})
        payers.append(Payer(token=data[0], invoice=data[1], body=body))
    return payers


def _lua_payers(payers):
    rows = ",\n".join(f"  {{[[{payer.token}]], [[{payer.body}]]}}" for payer in payers)
    return f'PAYERS = {{\n{rows}\n}}\nRUN = "{uuid.uuid4().hex}"\n' + PAYERS_SCRIPT.replace("%%", "%")


def _pages_under_load(stack, data, seconds, results):
    """The Billing page and the invoice list, two connections each, while the payments run."""
    query = "?start=1990-01-01&end=2030-12-31&status=all&per_page=25"
    gateway = stack.url("gateway")
    bearer = {"Authorization": f"Bearer {data.token}"}
    jobs = {
        "Billing page during the payment run": (gateway + "/billing", {"Cookie": data.cookie}),
        "Invoice list during the payment run": (gateway + "/api/invoices" + query, bearer),
    }

    def run(name, url, headers):
        results[name] = load.run_wrk(url, headers, seconds=seconds, connections=2, threads=1)

    threads = [threading.Thread(target=run, args=(name, *job)) for name, job in jobs.items()]
    for thread in threads:
        thread.start()
    return threads


def payments_at_latency(stack, data, payers):
    """The sustained payment run: wrk through the gateway, the pages beside it, CPU of every process."""
    url = stack.url("gateway") + "/api/payments"
    _one_payment(stack, payers[0])
    load.run_wrk_script(url, _lua_payers(payers), seconds=3, connections=CONNECTIONS)  # warm-up: pools, caches
    pages = {}
    meter = CpuMeter(stack.processes)
    meter.start()
    page_threads = _pages_under_load(stack, data, SECONDS, pages)
    figures = load.run_wrk_script(url, _lua_payers(payers), seconds=SECONDS, connections=CONNECTIONS)
    for thread in page_threads:
        thread.join()
    cpu = meter.stop()
    figures["in_flight"] = figures["rps"] * figures["mean_ms"] / 1000  # Little's law over the whole run
    figures["seconds"] = SECONDS
    print(f"  payments: {figures['rps']:.0f}/s, p99 {figures['p99_ms']:.0f} ms, in flight {figures['in_flight']:.0f}")
    for status, count in sorted(figures["refused"].items()):
        print(f"  payments refused with {status}: {count}, the first answered {figures['refused_answers'][status]}")
    return figures, pages, cpu


ALONE_SECONDS = int(os.environ.get("BENCH_PAYMENTS_ALONE_SECONDS", "15"))


def payments_alone(stack, payers):
    """The same payments with no page served beside them: the CPU of every process over what was paid is then
    the payment's own cost (target 3), which the run above cannot give, as its pages' CPU counts there too."""
    url = stack.url("gateway") + "/api/payments"
    meter = CpuMeter(stack.processes)
    meter.start()
    figures = load.run_wrk_script(url, _lua_payers(payers), seconds=ALONE_SECONDS, connections=CONNECTIONS)
    figures["cpu"] = meter.stop()
    figures["seconds"] = ALONE_SECONDS
    print(f"  payments alone: {figures['rps']:.0f}/s", flush=True)
    return figures


def _one_payment(stack, payer):
    """One payment first, so a broken set-up says why instead of a run of non-2xx."""
    client = ApiClient(stack.url(), {"Authorization": f"Bearer {payer.token}"})
    answer = client.post("/api/payments", json.loads(payer.body), headers={"Idempotency-Key": uuid.uuid4().hex})
    if answer.status != 201:
        raise RuntimeError(f"a payment through the gateway was answered {answer.status}: {answer.json_body}")


def balances_right(databases, payers, settle_seconds=30):
    """Every payer's invoice dropped by exactly the payments that succeeded on it, and nothing is still held,
    once the payments still in flight when wrk stopped have settled (up to `settle_seconds`)."""
    deadline = time.monotonic() + settle_seconds
    found = _balances(databases, payers)
    while found["unsettled"] and time.monotonic() < deadline:
        time.sleep(1)
        found = _balances(databases, payers)
    return found


def _balances(databases, payers):
    invoices = [payer.invoice for payer in payers]
    with psycopg.connect(databases["payment_service"].replace("+psycopg", "")) as connection:
        paid = dict(
            connection.execute(
                "SELECT a.invoice, SUM(a.amount) FROM payment_allocations a JOIN payments p ON p.id = a.payment_id"
                " WHERE p.status = 'succeeded' AND a.invoice = ANY(%s) GROUP BY a.invoice",
                (invoices,),
            ).fetchall()
        )
        unsettled = connection.execute(
            "SELECT COUNT(*) FROM payments p JOIN payment_allocations a ON p.id = a.payment_id"
            " WHERE p.status NOT IN ('succeeded', 'failed', 'declined') AND a.invoice = ANY(%s)",
            (invoices,),
        ).fetchone()[0]
    with psycopg.connect(databases["invoice_service"].replace("+psycopg", "")) as connection:
        balances = dict(
            connection.execute("SELECT number, balance FROM invoices WHERE number = ANY(%s)", (invoices,)).fetchall()
        )
    wrong = [number for number in invoices if balances[number] != OPENING - paid.get(number, Decimal("0"))]
    return {"wrong": wrong, "unsettled": unsettled, "paid": sum(paid.values(), Decimal("0"))}


def new_payer_data(stack):
    """(token, invoice, saved card id) of a fresh account of its own."""
    gateway = ApiClient(stack.url())
    ops = stack.staff_headers()
    account, invoice = unique_account(), f"C{uuid.uuid4().hex[:8]}"
    access = {"account": account, "email": "bench@example.com", "name": "Bench Payer", "passcode": "bench-pass"}
    ApiClient(stack.url("auth_service"), ops).post("/ops/access", access)
    invoices = ApiClient(stack.url("invoice_service"), ops)
    invoices.post("/ops/accounts", {"system_number": account, "name": "Payer, Bench", "email": "bench@example.com"})
    invoices.post(
        "/ops/invoices",
        {"number": invoice, "account": account, "date": "2026-01-01", "due_date": "2026-02-01", "amount": str(OPENING)},
    )
    token = gateway.post("/api/auth/login", {"username": account, "password": "bench-pass"}).json_body["access_token"]
    payer = ApiClient(stack.url(), {"Authorization": f"Bearer {token}"})
    profile = payer.post("/api/payment-profiles", {"payment_method": scenario.sandbox_token(stack)}).json_body["id"]
    return token, invoice, profile


SOAK_PAYMENTS = int(os.environ.get("BENCH_SOAK_PAYMENTS", "10000"))
SOAK_CONNECTIONS = 32
SOAK_ROUND_SECONDS = 20  # wrk runs for its whole duration, so the soak is rounds of it until the count is paid


def soak(stack, payers, count=SOAK_PAYMENTS):
    """At least `count` payments through the gateway after the run above; each service's RSS (its process tree)
    before and after, and the growth in %."""
    before = _tree_rss(stack)
    url = stack.url("gateway") + "/api/payments"
    paid = non_2xx = 0
    started = time.monotonic()
    while paid < count:
        # a script of its own each round: wrk's counters start again, and the same keys would be replays, not payments
        script = _lua_payers(payers)
        figures = load.run_wrk_script(url, script, seconds=SOAK_ROUND_SECONDS, connections=SOAK_CONNECTIONS)
        paid += round(figures["rps"] * SOAK_ROUND_SECONDS)
        non_2xx += figures["non_2xx"] + figures["socket_errors"]
    rate = paid / (time.monotonic() - started)
    after = _tree_rss(stack)
    growth = {name: (after[name] - size) * 100 / size for name, size in before.items() if name in after and size}
    print(f"  soak: {paid} payments, {rate:.0f}/s, growth {max(growth.values(), default=0):.1f} % at most", flush=True)
    return {"payments": paid, "rps": rate, "non_2xx": non_2xx, "before": before, "after": after, "growth_pct": growth}


def _tree_rss(stack):
    sizes = {}
    for name, popen in list(stack.processes.items()):
        try:
            root = psutil.Process(popen.pid)
            sizes[name] = sum(process.memory_info().rss for process in [root, *root.children(recursive=True)])
        except psutil.NoSuchProcess:
            continue
    return sizes
