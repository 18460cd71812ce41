"""A rolling restart under a light steady load: every service scaled to 2 replicas, then each container restarted
in turn (SIGTERM, gunicorn finishes what it is serving, the container starts again and is waited for until its
/readyz answers), the workers too, while about 5 requests a second of the invoice list API and the portal's
Billing page go through the edge proxy (the suite's stand-in for a cluster's load balancer, in front of the
gateway replicas). Not one request may fail."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from compose import FIGURES, docker
from people import new_subscribers

from devtools.api_client import ApiClient
from devtools.portal_browser import PortalBrowser

WEB = ["auth-service", "invoice-service", "payment-service", "notification-service", "gateway"]
WORKERS = ["payment-worker", "notification-worker"]
REQUESTS_PER_SECOND = 5


class SteadyLoad:
    """REQUESTS_PER_SECOND requests, the invoice list and the Billing page in turn, each answer kept."""

    def __init__(self, api, browser):
        self.api, self.browser = api, browser
        self.browser_lock = threading.Lock()  # one cookie jar
        self.answers = []  # (what, status or error, seconds)
        self.stopping = threading.Event()
        self.pool = ThreadPoolExecutor(max_workers=8)
        self.scheduler = threading.Thread(target=self._schedule, daemon=True)

    def __enter__(self):
        self.scheduler.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.scheduler.join()
        self.pool.shutdown(wait=True)

    def _schedule(self):
        next_at, count = time.monotonic(), 0
        while not self.stopping.is_set():
            self.pool.submit(self._one, "billing page" if count % 2 else "invoice list")
            count += 1
            next_at += 1 / REQUESTS_PER_SECOND
            time.sleep(max(0.0, next_at - time.monotonic()))

    def _one(self, what):
        started = time.monotonic()
        try:
            if what == "invoice list":
                status = self.api.get("/api/invoices?per_page=20&start=2026-01-01").status
            else:
                with self.browser_lock:
                    status = self.browser.get("/billing").status
        except Exception as error:  # no answer at all is a failure too
            status = repr(error)
        self.answers.append((what, status, time.monotonic() - started))

    def failures(self):
        return [(what, status) for what, status, _ in self.answers if status != 200]


def _restart(stack, container, web):
    started = time.monotonic()
    docker("restart", "-t", "30", container, timeout=90)
    if web:
        stack.wait_healthy(container)
    else:
        time.sleep(1)
        assert docker("inspect", "-f", "{{.State.Running}}", container).strip() == "true", container
    return time.monotonic() - started


def test_every_service_restarted_one_container_at_a_time_under_load_fails_no_request(stack):
    client = _a_subscriber(stack)
    browser = PortalBrowser(stack.edge)
    assert browser.login(client.account, client.passcode).status == 302
    assert browser.get("/billing").status == 200
    api = ApiClient(stack.edge, client.headers)

    restarts = {}
    started = time.monotonic()
    with SteadyLoad(api, browser) as load:
        scale = [arg for service in WEB for arg in ("--scale", f"{service}=2")]
        stack.run("up", "-d", "--no-build", "--no-recreate", "--no-deps", *scale, *WEB)
        for service in WEB:
            for container in stack.containers(service):
                stack.wait_healthy(container)
        scaled = time.monotonic()
        for service in WEB + WORKERS:
            for container in stack.containers(service):
                restarts[f"{service} {container[:12]}"] = round(_restart(stack, container, service in WEB), 1)
        time.sleep(2)  # the load goes on a little past the last restart
    finished = time.monotonic()
    stack.gateway = stack.published("gateway", 8000)  # a restarted container may be published on another port

    answers = load.answers
    FIGURES["rolling restart"] = {
        "containers restarted": len(restarts),
        "seconds to scale every service to 2": round(scaled - started, 1),
        "seconds for the whole roll": round(finished - scaled, 1),
        "requests made": len(answers),
        "failed requests": len(load.failures()),
        "slowest answer (s)": round(max(seconds for _, _, seconds in answers), 2),
        "seconds per restart (stop, start, ready)": restarts,
    }
    assert len(answers) >= REQUESTS_PER_SECOND * (finished - started) * 0.8
    assert load.failures() == []


def _a_subscriber(stack):
    ((_, _, client),) = new_subscribers(stack, 1, invoices_each=3)
    return client
