#!/bin/sh
# Entry point of every Bill Pay image (and of `tests/deploy`, which runs it outside a container).
#   boot.sh web              serve the service under gunicorn (the image's default)
#   boot.sh migrate          apply the service's migrations and exit (Compose one-shot, Kubernetes Job)
#   boot.sh migrate-and-web  both, for a single-container start without an orchestrator
#   boot.sh wait-for-schema  exit 0 once the database is at the newest migration (init container);
#                            gives up after MIGRATION_WAIT_SECONDS (default 300)
#   boot.sh worker           the service's queue worker: `flask --app $SERVICE worker`
#   boot.sh version          print the installed package's name and version (importlib.metadata)
#   boot.sh <command ...>    anything else runs as given (e.g. `boot.sh flask --app auth_service grant ...`)
set -eu

: "${SERVICE:?set SERVICE to the service package, e.g. auth_service}"
# The service is an installed package (its migrations inside it); only deploy/gunicorn.conf.py is read from here.
cd "$(dirname "$0")/.."

print_version() {
    python -c "import importlib.metadata as m, sys; name = 'billpay-' + sys.argv[1].replace('_', '-'); print(name, m.version(name))" "$SERVICE"
}

has_migrations() { python -c "import sys, $SERVICE; sys.exit(not hasattr($SERVICE, 'MIGRATIONS'))"; }

migrate() {
    if has_migrations; then
        flask --app "$SERVICE" db upgrade
    else
        echo "boot: $SERVICE has no database migrations"
    fi
}

at_newest_migration() {
    flask --app "$SERVICE" db current 2>/dev/null | grep -q '(head)'
}

wait_for_schema() {
    has_migrations || return 0
    deadline=$(( $(date +%s) + ${MIGRATION_WAIT_SECONDS:-300} ))
    until at_newest_migration; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "boot: $SERVICE database is not at the newest migration; did its migration job run?" >&2
            return 1
        fi
        sleep 2
    done
}

# prometheus_client's multiprocess mode needs an empty folder at start: files left by a previous run
# would be added to this run's counters.
reset_metrics_dir() {
    if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
        rm -rf "$PROMETHEUS_MULTIPROC_DIR"
        mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    fi
}

serve() {
    reset_metrics_dir
    exec gunicorn -c deploy/gunicorn.conf.py "$SERVICE:create_app()"
}

command=${1:-web}
case "$command" in
    web) serve ;;
    migrate) migrate ;;
    migrate-and-web) migrate; serve ;;
    wait-for-schema) wait_for_schema ;;
    version) print_version ;;
    worker) reset_metrics_dir; exec flask --app "$SERVICE" worker ;;
    *) exec "$@" ;;
esac
