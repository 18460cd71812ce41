"""The deployment suite's handle on a Compose project: docker-compose commands, containers, SQL, the mail listing."""

import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
TEST_OVERRIDE = Path(__file__).resolve().parent / "docker-compose.test.yml"
DATABASE_OF = {
    "auth-service": "auth_service",
    "invoice-service": "invoice_service",
    "payment-service": "payment_service",
    "notification-service": "notification_service",
}
FIGURES: dict[str, dict] = {}  # {section: {figure: value}}: printed at the end of the run (conftest)


class ComposeError(RuntimeError):
    pass


class Compose:
    def __init__(self, project, files, env):
        self.project = project
        self.files = files
        self.env = dict(os.environ, **env)

    def run(self, *args, check=True, timeout=600, input=None):
        command = ["docker-compose", "-p", self.project, *[a for f in self.files for a in ("-f", str(f))], *args]
        result = subprocess.run(
            command, cwd=REPO, env=self.env, capture_output=True, text=True, timeout=timeout, input=input
        )
        if check and result.returncode != 0:
            raise ComposeError(f"{' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result.stdout

    def containers(self, service, all_states=False):
        return self.run("ps", "-q", *(["-a"] if all_states else []), service).split()

    def published(self, service, port):
        host, _, published = self.run("port", service, str(port)).strip().rpartition(":")
        assert host == "127.0.0.1", f"{service}:{port} is published on {host}, not 127.0.0.1 only"
        return f"http://127.0.0.1:{published}"

    def sql(self, database, query):
        """Rows of QUERY in DATABASE, read inside the postgres container (it is not published)."""
        output = self.run(
            "exec", "-T", "postgres", "psql", "-U", "postgres", "-d", database, "-tA", "-F", "\t", "-c", query
        )
        return [line.split("\t") for line in output.splitlines() if line]

    def python_in(self, service, script):
        """Run SCRIPT with the service container's own Python and environment; returns its stdout as JSON."""
        return json.loads(self.run("exec", "-T", service, "python", "-", input=script))

    def network(self):
        return f"{self.project}_default"

    def wait_healthy(self, container, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = docker("inspect", "-f", "{{.State.Health.Status}}", container).strip()
            if state == "healthy":
                return
            time.sleep(0.5)
        raise ComposeError(f"{container} not healthy after {timeout}s")


def environment_of(container):
    """The container's environment as Docker started it: {name: value}."""
    lines = docker("inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}", container).splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def docker(*args, check=True, timeout=120):
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise ComposeError(f"docker {' '.join(args)} failed: {result.stderr[-2000:]}")
    return result.stdout


class MailListing:
    """What arrived at the mail catcher, through its Mailpit-shaped listing published on 127.0.0.1."""

    def __init__(self, base_url):
        self.base_url = base_url

    def _get(self, path):
        with urllib.request.urlopen(self.base_url + path, timeout=10) as response:
            return response.read()

    def raw_messages(self):
        listing = json.loads(self._get("/api/v1/messages"))
        return [
            self._get(f"/api/v1/message/{message['ID']}/raw").decode(errors="replace")
            for message in listing["messages"]
        ]

    def wait_for(self, predicate, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            messages = self.raw_messages()
            if predicate(messages) or time.monotonic() > deadline:
                return messages
            time.sleep(0.5)
