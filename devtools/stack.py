"""The whole Bill Pay stack on one machine: set-up (secrets, Redis, mail sink, migrations, demo data) and the
processes (each service under gunicorn, the workers). `make run` and the end-to-end tests both use it."""

import base64
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import urllib3

from .redis_server import PrivateRedis

ROOT = Path(__file__).resolve().parent.parent
WEB_SERVICES = {
    "gateway": 8000,
    "auth_service": 8001,
    "invoice_service": 8002,
    "payment_service": 8003,
    "notification_service": 8004,
}
URL_SETTINGS = {
    "auth_service": "AUTH_SERVICE_URL",
    "invoice_service": "INVOICE_SERVICE_URL",
    "payment_service": "PAYMENT_SERVICE_URL",
    "notification_service": "NOTIFICATION_SERVICE_URL",
}
# The sandbox card processor: a processor of its own (own process, origin and ledger) beside payment_service,
# serving its card fields to the browser; never one of the deployed services.
SANDBOX = "sandbox_processor"
SANDBOX_PORT = 8010
# The office console: the gateway's second public-less listener (CONSOLE_PORT), on 127.0.0.1 only.
CONSOLE = "console"
CONSOLE_PORT = 8020
WORKERS = {"notification_worker": "notification_service", "payment_worker": "payment_service"}
SECRETS = (
    "PAYMENT_SERVICE_KEY",
    "SESSION_SECRET_KEY",
    "DEMO_PASSCODE",
    "DEMO_STAFF_PASSWORD",
    "DEMO_STAFF_TOTP_SECRET",
)
# Each credential reaches only the processes it belongs to, as in deploy/: the gateway holds none but its own.
CREDENTIAL_OWNERS = {
    "PAYMENT_SERVICE_KEY": {"payment_service"},
    "INVOICE_SERVICE_CALLERS": {"invoice_service"},
    "SESSION_SECRET_KEY": {"gateway"},
    "DEMO_STAFF_PASSWORD": {"auth_service"},
    "DEMO_STAFF_TOTP_SECRET": {"auth_service"},
}
DEMO_ACCOUNT = "99939999"
DEMO_STAFF = "demo-admin"  # every staff role: the office's login of `make run` and of test stacks
# services that take the client's address from the gateway's X-Forwarded-For (per-address decline limits)
BEHIND_THE_GATEWAY = ("payment_service",)


def sha256_hex(key):
    """What invoice_service keeps of payment_service's key (billpay_common.service_auth.digest)."""
    return hashlib.sha256(key.encode()).hexdigest()


def _new_secret(name):
    if name == "DEMO_STAFF_TOTP_SECRET":
        return base64.b32encode(secrets.token_bytes(20)).decode()
    return secrets.token_urlsafe(9 if name == "DEMO_PASSCODE" else 32)


def load_or_create_secrets(path, environ):
    """Secrets made once per var/ folder and kept in var/local.env; the environment wins when set."""
    values = {}
    if path.exists():
        for line in path.read_text().splitlines():
            key, _, value = line.partition("=")
            values[key] = value
    values = {name: value for name, value in values.items() if name in SECRETS}  # drops retired ones
    for name in SECRETS:
        if environ.get(name):
            values[name] = environ[name]
        if not values.get(name):
            values[name] = _new_secret(name)
    path.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
    path.chmod(0o600)
    return values


class Stack:
    def __init__(
        self,
        var_dir,
        ports=None,
        environ=None,
        scale=None,
        log_dir=None,
        web_concurrency=2,
        mail_port=8025,
        services=None,
        service_environ=None,
    ):
        self.var_dir = Path(var_dir)
        self.services = list(services or WEB_SERVICES)
        # Stacks on ports of their own (tests, benchmarks) get a console only when they name a port for it.
        defaults = {**WEB_SERVICES, SANDBOX: SANDBOX_PORT, **({} if ports else {CONSOLE: CONSOLE_PORT})}
        self.ports = {**defaults, **(ports or {})}
        self.base_env = dict(os.environ if environ is None else environ)
        self.scale = scale or {}
        self.log_dir = Path(log_dir) if log_dir else None
        self.web_concurrency = web_concurrency
        self.service_environ = service_environ or {}  # service -> variables for it alone (threads, say)
        self.mail_port = mail_port
        self.redis = None
        self.mail_sink = None
        self.processes = {}
        self.env = {}
        self._staff_token = None  # (token, expires at): a TOTP code signs in once, so one token is reused

    # -- set-up -----------------------------------------------------------------
    def prepare(self):
        self.var_dir.mkdir(parents=True, exist_ok=True)
        env = dict(self.base_env)
        env.update(load_or_create_secrets(self.var_dir / "local.env", self.base_env))
        env.setdefault("INVOICE_SERVICE_CALLERS", f"payment_service={sha256_hex(env['PAYMENT_SERVICE_KEY'])}")
        env["BILLPAY_VAR_DIR"] = str(self.var_dir)
        env.setdefault("PYTHONUNBUFFERED", "1")
        for service, setting in URL_SETTINGS.items():
            env[setting] = f"http://127.0.0.1:{self.ports[service]}"
        self._use_sandbox(env)
        if not env.get("REDIS_URL"):
            self.redis = PrivateRedis(self.var_dir)
            self.redis.kill_stale()
            env["REDIS_URL"] = self.redis.start().url
        if not env.get("SMTP_URL"):
            env["SMTP_URL"] = f"smtp://127.0.0.1:{self.mail_port}"
            self.mail_sink = self._spawn(
                "mail_sink",
                [
                    sys.executable,
                    "-m",
                    "devtools.mail_sink",
                    "--port",
                    str(self.mail_port),
                    "--dir",
                    str(self.mail_dir),
                ],
                env,
            )
        metrics_dir = self.var_dir / "prometheus"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        self.env = env
        for service in self.services:
            if service != "gateway":
                self.flask(service, "db", "upgrade")
        self.seed_demo()
        return self

    def _use_sandbox(self, env):
        """payment_service charges at the sandbox; the portal's card fields and script come from its origin."""
        if not self.has("payment_service") or env.get("PAYMENT_PROCESSOR", "").endswith("StripeProcessor"):
            return
        sandbox = self.url(SANDBOX)
        env["SANDBOX_PROCESSOR_URL"] = sandbox
        env.setdefault("CARD_PROCESSOR_JS_URL", f"{sandbox}/v3/")
        env.setdefault("CARD_PROCESSOR_ORIGINS", sandbox)
        env.setdefault("CARD_PROCESSOR_PUBLISHABLE_KEY", env.get("SANDBOX_PUBLISHABLE_KEY", "pk_sandbox_local"))

    @property
    def sandbox_runs(self):
        return "SANDBOX_PROCESSOR_URL" in self.env

    @property
    def mail_dir(self):
        return self.var_dir / "mail"

    def has(self, service):
        return service in self.services

    def service_env(self, service):
        """The stack's environment without the credentials of other services."""
        return {
            name: value
            for name, value in self.env.items()
            if name not in CREDENTIAL_OWNERS or service in CREDENTIAL_OWNERS[name]
        }

    def flask(self, service, *args, check=True):
        """Run `flask --app SERVICE ARGS` with the service's environment; returns the completed process."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", service, *args],
            env=self.service_env(service),
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"flask --app {service} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def seed_demo(self):
        for service in ("auth_service", "invoice_service"):
            if self.has(service):
                self.flask(service, "seed-demo")
        if self.has("auth_service"):
            self.flask("auth_service", "staff", "seed-demo", "--username", DEMO_STAFF)

    def staff_token(self):
        """A staff token of the demo staff member (every role), signed in at auth_service with password and TOTP;
        reused until a minute before it expires, as each TOTP code signs in once only."""
        token, expires_at = self._staff_token or (None, 0)
        if time.monotonic() < expires_at - 60:
            return token
        import pyotp

        now = time.time()
        totp = pyotp.TOTP(self.env["DEMO_STAFF_TOTP_SECRET"])
        body = {"username": DEMO_STAFF, "password": self.env["DEMO_STAFF_PASSWORD"], "code": totp.at(now)}
        answer = urllib3.PoolManager(retries=False, timeout=10).request(
            "POST", self.url("auth_service") + "/staff/sign-in", json=body
        )
        if answer.status != 200:
            raise RuntimeError(f"staff sign-in of {DEMO_STAFF} failed: {answer.status} {answer.data[:300]!r}")
        signed_in = json.loads(answer.data)
        self._staff_token = (signed_in["access_token"], time.monotonic() + signed_in["expires_in"])
        return signed_in["access_token"]

    def staff_headers(self):
        return {"Authorization": f"Bearer {self.staff_token()}"}

    # -- processes ----------------------------------------------------------------
    def start(self, timeout=60):
        if self.sandbox_runs:
            self.start_service(SANDBOX)
        for service in self.services:
            self.start_service(service)
        for worker, service in WORKERS.items():
            if self.has(service):
                for index in range(int(self.scale.get(worker, 1))):
                    self.start_worker(worker, index)
        for service in self.services + ([SANDBOX] if self.sandbox_runs else []):
            self.wait_healthy(service, timeout)
        return self

    def start_service(self, service, port=None):
        env = dict(
            self.service_env(service),
            PORT=str(port or self.ports[service]),
            HOST="127.0.0.1",
            WEB_CONCURRENCY=str(self.scale.get(service, self.web_concurrency)),
            PROMETHEUS_MULTIPROC_DIR=str(self._metrics_dir(service)),
        )
        env.update(self.service_environ.get(service, {}))
        if service == "gateway" and CONSOLE in self.ports:
            env["CONSOLE_PORT"] = str(self.ports[CONSOLE])
        if service in BEHIND_THE_GATEWAY:  # the client address is the one the gateway forwards (as deployed)
            env.setdefault("TRUSTED_PROXY_COUNT", "1")
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            f"{service}:create_app()",
        ]
        self.processes[service] = self._spawn(service, command, env)
        return self.processes[service]

    def start_worker(self, worker, index=0):
        name = f"{worker}.{index}"
        command = [sys.executable, "-m", "flask", "--app", WORKERS[worker], "worker"]
        self.processes[name] = self._spawn(name, command, self.service_env(WORKERS[worker]))
        return self.processes[name]

    def _metrics_dir(self, service):
        path = self.var_dir / "prometheus" / service
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _spawn(self, name, command, env):
        if not self.log_dir:
            return subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / f"{name}.log", "ab") as output:  # the child keeps its own copy
            return subprocess.Popen(
                command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )

    def url(self, service="gateway"):
        return f"http://127.0.0.1:{self.ports[service]}"

    def console_url(self):
        """The office console, on the gateway's console listener."""
        return f"{self.url(CONSOLE)}/console/"

    def wait_healthy(self, service, timeout=60):
        deadline = time.monotonic() + timeout
        http = urllib3.PoolManager(retries=False, timeout=2)
        while time.monotonic() < deadline:
            process = self.processes.get(service)
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"{service} exited with {process.returncode}{self._log_tail(service)}")
            try:
                if http.request("GET", self.url(service) + "/healthz").status == 200:
                    return
            except urllib3.exceptions.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{service} did not answer /healthz within {timeout}s{self._log_tail(service)}")

    def _log_tail(self, name):
        if not self.log_dir or not (self.log_dir / f"{name}.log").exists():
            return ""
        return ":\n" + (self.log_dir / f"{name}.log").read_text(errors="replace")[-3000:]

    def stop_process(self, name, sig=None, timeout=15):
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        if sig is not None:
            os.killpg(process.pid, sig)
        else:
            process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()

    def stop(self):
        for name in list(self.processes):
            self.stop_process(name)
        if self.mail_sink is not None and self.mail_sink.poll() is None:
            self.mail_sink.terminate()
            self.mail_sink.wait(timeout=10)
        if self.redis is not None:
            self.redis.stop()
