"""gunicorn settings for every service: `gunicorn -c deploy/gunicorn.conf.py 'auth_service:create_app()'`.

The environment is read through ServerSettings; a wrong value (of these or of the service's own settings)
stops gunicorn here, in the master, with one line naming the variable (found in the workers instead, it
would come once per worker, among gunicorn's own lines). Checking imports the service's package in the
master: a code change needs a new process (a new pod, a restart), not a HUP."""

import sys

from gunicorn.config import Config as _GunicornConfig
from gunicorn.glogging import Logger as _GunicornLogger

from billpay_common.settings import ServerSettings, check_app_settings, read_settings

_server = read_settings(ServerSettings)
_app_uris = _GunicornConfig().parser().parse_args(sys.argv[1:]).args
if _app_uris:
    check_app_settings(_app_uris[0])

bind = [f"{_server.HOST}:{_server.PORT}"]
if _server.INTERNAL_PORT:
    bind.append(f"{_server.HOST}:{_server.INTERNAL_PORT}")
if _server.CONSOLE_PORT:
    bind.append(f"{_server.HOST}:{_server.CONSOLE_PORT}")
workers = _server.WEB_CONCURRENCY
worker_class = "gthread"
threads = _server.GUNICORN_THREADS
keepalive = 75  # longer than the gateway's pool idle time, so pooled connections are reused
timeout = _server.GUNICORN_TIMEOUT
graceful_timeout = 20
max_requests = _server.GUNICORN_MAX_REQUESTS
max_requests_jitter = 50
accesslog = None  # each service writes its own JSON line per request


class _NoAccessLog(_GunicornLogger):
    """gunicorn's logger without its access log. With logconfig_dict set (below), gunicorn counts the access log as
    on and builds every request's atoms (headers, times, formatting) for a logger that has no handler, only to
    drop them: a share of each request's CPU in every service."""

    def access(self, resp, req, environ, request_time):
        return None


logger_class = _NoAccessLog
errorlog = "-"
loglevel = _server.LOG_LEVEL.lower()
forwarded_allow_ips = _server.FORWARDED_ALLOW_IPS
# Which proxies may say "https" is decided by each app's TRUSTED_PROXY_COUNT (ProxyFix), not by gunicorn.
secure_scheme_headers = {}


def child_exit(server, worker):
    if _server.PROMETHEUS_MULTIPROC_DIR:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


# gunicorn's own lines (start, stop, worker timeouts) as JSON too, like every service's log lines.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "billpay_common.logs.JsonFormatter", "service": "gunicorn"}},
    "handlers": {
        name: {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        for name in ("console", "error_console")
    },
    "loggers": {"gunicorn.error": {"handlers": ["error_console"], "level": loglevel.upper(), "propagate": False}},
}
