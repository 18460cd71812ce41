"""Runs bench/bare_flask.py under gunicorn with invoice_service's settings and database, for the same run."""

import subprocess
import sys
import time

import urllib3

from devtools.ports import free_port
from devtools.stack import ROOT


class BareFlask:
    def __init__(self, stack):
        self.stack = stack
        self.port = free_port()
        self.process = None

    def url(self, account):
        return f"http://127.0.0.1:{self.port}/invoices/{account}?per_page=20"

    def __enter__(self):
        env = dict(
            self.stack.service_env("invoice_service"),
            PORT=str(self.port),
            HOST="127.0.0.1",
            WEB_CONCURRENCY=str(self.stack.scale.get("invoice_service", self.stack.web_concurrency)),
            **self.stack.service_environ.get("invoice_service", {}),
        )
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "bench" / "bare_gunicorn.conf.py")]
        self.process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        http, deadline = urllib3.PoolManager(retries=False, timeout=1), time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if http.request("GET", f"http://127.0.0.1:{self.port}/healthz").status == 200:
                    return self
            except urllib3.exceptions.HTTPError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("the bare Flask reference did not start")

    def check_same_rows(self, service_url, headers, account):
        """Both answer the same invoice numbers in the same order, so the ratio compares like with like."""
        http = urllib3.PoolManager(retries=False, timeout=5)
        service = http.request("GET", service_url, headers=headers).json()["items"]
        bare = http.request("GET", self.url(account)).json()["items"]
        if [row["number"] for row in service] != [row["number"] for row in bare]:
            raise RuntimeError("the bare Flask reference returns other rows than invoice_service")
        return len(bare)

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
