"""What one `make bench` run found, as the rows of its table (targets from issue 15)."""

from dataclasses import dataclass, field

from .table import Figure

TARGET = "target"
MB = 2**20


@dataclass
class Found:
    settings: str
    http: dict = field(default_factory=dict)
    receipts: dict | None = None
    payments: dict | None = None
    pages: dict = field(default_factory=dict)
    cpu: dict = field(default_factory=dict)
    payments_alone: dict | None = None
    balances: dict | None = None
    soak: dict | None = None
    peak_rss: dict = field(default_factory=dict)
    rss: dict = field(default_factory=dict)
    email: dict = field(default_factory=dict)
    invoices: dict = field(default_factory=dict)
    autopay: dict = field(default_factory=dict)
    stopped: dict = field(default_factory=dict)


def figures(found):
    return [
        Figure("settings", found.settings),
        *_payments(found),
        *_http(found.http),
        *_receipts(found.receipts),
        *_email(found.email),
        *_memory(found),
        *_invoices(found.invoices),
        *_autopay(found.autopay),
    ]


def _by_status(run):
    refused = run.get("refused") or {}
    return " (" + ", ".join(f"{status}: {count}" for status, count in sorted(refused.items())) + ")" if refused else ""


def _payments(found):
    run = found.payments
    if not run:
        return []
    paid = run["rps"] * run["seconds"]
    rows = [
        Figure("payments/s through the gateway, processor at 400 ms", run["rps"], "/s", 150, TARGET),
        Figure("payment p99", run["p99_ms"], "ms", 1200, TARGET, "lower"),
        Figure(f"payments answered non-2xx{_by_status(run)}", run["non_2xx"], "", 0, TARGET, "lower"),
        Figure("payments with a socket error or wrk's 10 s timeout", run["socket_errors"], "", 0, TARGET, "lower"),
        Figure("payments in flight (Little's law)", run["in_flight"], "", 60, TARGET),
        *_cpu_per_payment(found, paid),
    ]
    if found.balances:
        rows.append(Figure("invoices with a wrong balance afterwards", len(found.balances["wrong"]), "", 0, TARGET))
        rows.append(Figure("payments unsettled 30 s afterwards", found.balances["unsettled"], "", 0, TARGET))
    for name, page in found.pages.items():
        rows.append(Figure(f"{name} p99", page["p99_ms"], "ms", 250, TARGET, "lower"))
        rows.append(Figure(f"{name} req/s", page["rps"], "/s"))
    return rows


def _cpu_per_payment(found, paid):
    """Target 3 from the payments alone when that part ran; the run with pages beside it counts their CPU too."""
    with_pages = sum(found.cpu.values()) * 1000 / paid
    alone = found.payments_alone
    if not alone or not alone["rps"]:
        return [
            Figure("CPU ms per payment, every process (pages' CPU included)", with_pages, "ms", 15, TARGET, "lower")
        ]
    paid_alone = alone["rps"] * alone["seconds"]
    return [
        Figure(f"payments/s with no pages beside them ({alone['seconds']} s)", alone["rps"], "/s"),
        Figure(
            "CPU ms per payment, every process (payments alone)",
            sum(alone["cpu"].values()) * 1000 / paid_alone,
            "ms",
            15,
            TARGET,
            "lower",
        ),
        *(
            Figure(f"  CPU ms per payment: {name}", seconds * 1000 / paid_alone, "ms")
            for name, seconds in sorted(alone["cpu"].items(), key=lambda item: -item[1])
            if seconds * 1000 / paid_alone >= 0.05
        ),
        Figure("CPU ms per payment with the pages' CPU included (the run above)", with_pages, "ms"),
    ]


def _http(http):
    rows = []
    if "list_service" in http and "list_bare_flask" in http:
        rows.append(
            Figure(
                "invoice list at invoice_service req/s",
                http["list_service"]["rps"],
                "/s",
                http["list_bare_flask"]["rps"],
                "bare Flask, same run",
                target_ratio=0.5,
            )
        )
    if "list_gateway" in http and "list_nginx" in http:
        rows.append(
            Figure(
                "invoice list through the gateway req/s",
                http["list_gateway"]["rps"],
                "/s",
                http["list_nginx"]["rps"],
                "nginx, same run",
                target_ratio=0.7,
            )
        )
    names = {
        "billing": "Billing page (HTML) through the gateway",
        "list_service": "invoice list at invoice_service",
        "payment_gateway": "payment through the gateway, 4 connections",
        "payment_direct": "payment direct to payment_service, 4 connections",
    }
    for key, name in names.items():
        if key in http:
            rows.append(Figure(f"{name} p99", http[key]["p99_ms"], "ms"))
    if "payment_gateway" in http and "payment_direct" in http:
        rows.append(
            Figure(
                "payments/s through the gateway, 4 connections",
                http["payment_gateway"]["rps"],
                "/s",
                http["payment_direct"]["rps"],
                "direct, same run",
            )
        )
    return rows


def _receipts(receipts):
    if not receipts:
        return []
    return [
        Figure(
            "receipt accepted by SMTP after the payment request, p95", receipts["p95_ms"], "ms", 1000, TARGET, "lower"
        )
    ]


def _autopay(run):
    if not run:
        return []
    scale = 10_000 / run["accounts"]  # the target is for 10,000 accounts: a smaller run is scaled
    return [
        Figure(
            f"AutoPay run, {run['accounts']:,} accounts: time scaled to 10,000",
            run["seconds"] * scale,
            "s",
            120,
            TARGET,
            "lower",
        ),
        Figure("AutoPay accounts/s", run["accounts"] / run["seconds"], "/s", 10_000 / 120, TARGET),
        Figure("AutoPay charges in flight", run["in_flight_max"], ""),
        Figure("AutoPay accounts not charged exactly once", run["not_charged_once"], "", 0, TARGET, "lower"),
        Figure("AutoPay errors", run["errors"], "", 0, TARGET, "lower"),
        Figure("AutoPay CPU ms per account, every process", run["cpu_ms_per_account"], "ms"),
    ]


def _email(email):
    if not email:
        return []
    return [
        Figure("e-mails/s, 3 notification workers", email["emails_per_s_3"], "/s", 400, TARGET),
        Figure("e-mails/s, 1 notification worker", email["emails_per_s_1"], "/s"),
        Figure("e-mail queue to SMTP p95", email["queue_to_smtp_p95_ms"], "ms"),
        Figure(
            "notification worker RSS growth over the e-mail soak",
            email["worker_rss_growth_pct"],
            "%",
            10,
            TARGET,
            "lower",
        ),
    ]


def _memory(found):
    rows = [
        Figure(f"RSS after the runs: {name}", size / MB, "MB", 120, TARGET, "lower")
        for name, size in sorted(found.rss.items())
    ]
    soak = found.soak or {}
    if soak:
        rows.append(Figure(f"payment soak: payments/s over {soak['payments']:,}", soak["rps"], "/s"))
        rows.append(Figure("payment soak: non-2xx or socket errors", soak["non_2xx"], "", 0, TARGET, "lower"))
    for name, change in sorted(soak.get("growth_pct", {}).items()):
        before, after = soak["before"][name] / MB, soak["after"][name] / MB
        rows.append(
            Figure(
                f"RSS growth over the soak: {name} ({before:.0f} -> {after:.0f} MB)", change, "%", 10, TARGET, "lower"
            )
        )
    return rows


def _invoices(invoices):
    if not invoices:
        return []
    return [
        Figure("invoice import rows/s (1,000,000 invoices)", invoices["import_rows_per_s"], "/s", 5000, TARGET),
        Figure("invoice import peak RSS", invoices["import_peak_rss_mb"], "MB", 200, TARGET, "lower"),
        Figure("invoice list p99 at 1,000,000 invoices", invoices["list_p99_ms"], "ms", 20, TARGET, "lower"),
    ]
