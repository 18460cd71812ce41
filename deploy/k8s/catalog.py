"""What runs in the cluster and what each part is given: the one list that deploy/k8s/generate.py turns into
the Kustomize base. Edit here, run `python deploy/k8s/generate.py`, commit both."""
from dataclasses import dataclass

NAMESPACE = "billpay"
CONFIG_MAP = "billpay-config"
SECRET = "billpay-secrets"
# Namespaces with this label (monitoring, the accounting office's tools) may call every service.
OPS_NAMESPACE_LABEL = {"billpay.io/ops": "true"}
INGRESS_NAMESPACE_LABEL = {"kubernetes.io/metadata.name": "ingress-nginx"}
SHARED_SECRETS = ("REDIS_URL", "OPS_API_KEY", "SERVICE_API_KEY")


@dataclass(frozen=True)
class App:
    name: str                      # Kubernetes name, e.g. payment-service
    package: str                   # the image's SERVICE, e.g. payment_service
    port: int = 0                  # 0: no HTTP listener (a worker)
    command: str = "web"           # deploy/boot.sh argument
    secrets: tuple = ()            # Secret keys beyond SHARED_SECRETS
    cpu: tuple = ("100m", "1")     # request, limit
    memory: tuple = ("256Mi", "512Mi")
    replicas: tuple = (2, 6)       # HPA min and max; None: fixed single replica
    callers: tuple = ()            # Deployments allowed to call it, besides ops namespaces
    from_ingress: bool = False

    @property
    def image(self):
        return f"billpay/{self.package.replace('_', '-')}"


def _db(package):
    return f"{package.upper()}_DATABASE_URL"


# Every service checks subscriber tokens against auth-service's published keys, so each may call it.
WEB_APPS = (
    App("gateway", "gateway", 8000, secrets=("SESSION_SECRET_KEY",), replicas=(2, 10), from_ingress=True),
    App("auth-service", "auth_service", 8001, secrets=(_db("auth_service"),),
        # argon2id holds 64 MiB per hash in flight: WEB_CONCURRENCY x GUNICORN_THREADS of them at worst.
        cpu=("250m", "2"), memory=("512Mi", "1Gi"),
        callers=("gateway", "invoice-service", "payment-service", "notification-service", "payment-worker",
                 "notification-worker")),
    App("invoice-service", "invoice_service", 8002, secrets=(_db("invoice_service"),),
        callers=("gateway", "payment-service", "payment-worker")),
    App("payment-service", "payment_service", 8003, secrets=(_db("payment_service"),), callers=("gateway",)),
    App("notification-service", "notification_service", 8004, secrets=(_db("notification_service"), "SMTP_URL"),
        cpu=("50m", "500m"), memory=("192Mi", "384Mi"), replicas=(1, 3)),
)
WORKERS = (
    App("notification-worker", "notification_service", command="worker",
        secrets=(_db("notification_service"), "SMTP_URL"), cpu=("50m", "500m"), memory=("192Mi", "384Mi"),
        replicas=(1, 8)),
    # The outbox relay and reconciliation run as one process: a fixed single replica, replaced, not rolled.
    App("payment-worker", "payment_service", command="worker", secrets=(_db("payment_service"),),
        cpu=("50m", "500m"), memory=("192Mi", "384Mi"), replicas=None),
)
MIGRATED = ("auth_service", "invoice_service", "payment_service", "notification_service")

# Non-secret settings, the same for every pod (a pod ignores what it does not read).
CONFIG = {
    "REDIS_KEY_PREFIX": "billpay:",
    "AUTH_SERVICE_URL": "http://auth-service:8001",
    "INVOICE_SERVICE_URL": "http://invoice-service:8002",
    "PAYMENT_SERVICE_URL": "http://payment-service:8003",
    "NOTIFICATION_SERVICE_URL": "http://notification-service:8004",
    "HTTP_TIMEOUT_SECONDS": "5",
    "LOG_LEVEL": "INFO",
    "TRUSTED_PROXY_COUNT": "0",
    "COMPANY_NAME": "Dean Smith Security",
    "COMPANY_ADDRESS": "100 Clinton Square, Syracuse, NY 13202",
    "COMPANY_PHONE": "1-844-837-5321",
    "BILLPAY_VAR_DIR": "/tmp/billpay",
    "HOST": "0.0.0.0",
    "WEB_CONCURRENCY": "2",
    "GUNICORN_THREADS": "4",
    "GUNICORN_TIMEOUT": "30",
    "GUNICORN_MAX_REQUESTS": "0",
    "FORWARDED_ALLOW_IPS": "127.0.0.1",
    "PROMETHEUS_MULTIPROC_DIR": "/tmp/prometheus",
    "MIGRATION_WAIT_SECONDS": "300",
    "SESSION_COOKIE_SECURE": "true",
    "SESSION_IDLE_SECONDS": "900",
    "LOGIN_RATE_LIMIT": "60 per minute",
    "ACCESS_TOKEN_TTL_SECONDS": "900",
    "LOGIN_LOCKOUT_THRESHOLD": "10",
    "LOGIN_LOCKOUT_MINUTES": "30",
    "ARGON2_TIME_COST": "3",
    "ARGON2_MEMORY_COST": "65536",
    "ARGON2_PARALLELISM": "4",
    "OFFICE_PHONE": "1-844-837-5321",
    "RESERVATION_TTL_SECONDS": "1800",
    "INVOICE_IMPORT_BATCH_SIZE": "2000",
    "PAYMENT_PROCESSOR": "payment_service.processor.sandbox:SandboxProcessor",
    "PROCESSOR_TIMEOUT_SECONDS": "20",
    "IDEMPOTENCY_TTL_HOURS": "24",
    "IDEMPOTENCY_WAIT_SECONDS": "10",
    "RECONCILE_AFTER_SECONDS": "60",
    "STALE_PROCESSING_SECONDS": "600",
    "WORKER_INTERVAL_SECONDS": "2",
    "EXPIRY_NOTICE_DAYS": "30",
    "SMTP_TIMEOUT_SECONDS": "10",
    "MAIL_FROM": "billing@example.com",
    "RETRY_DELAYS_SECONDS": "10,60,300,1800",
    "CLAIM_IDLE_SECONDS": "60",
    "WORKER_BLOCK_MS": "2000",
    "WORKER_BATCH_SIZE": "20",
    "DELIVERY_LOG_RETENTION_DAYS": "90",
}
