#!/bin/sh
# Build every service's image from deploy/Dockerfile (`make images`):
#   deploy/images/build.sh [SERVICE ...]        default: all five; tags billpay/<service>:$IMAGE_TAG (local)
#   deploy/images/build.sh sandbox_processor    the sandbox card processor, billpay/sandbox-processor:local, for
#                                               the local Compose world only (docker-compose.demo.yml): it is never
#                                               one of the five, never pushed, never in a Kubernetes manifest
# The base is $PYTHON_IMAGE when set. Otherwise python:3.11-slim when it is present or can be pulled, and where
# no registry answers (or BILLPAY_NO_PULL=1: the tests never reach out) the Debian-built base of deploy/images/debian-base.sh (made once, then cached by Docker).
# The build context is a tar of just what the Dockerfile copies (no tests, no .venv, no caches), so the classic
# builder and BuildKit send the same few hundred kilobytes. Prints each image's build time and size.
set -eu
cd "$(dirname "$0")/../.."

tag=${IMAGE_TAG:-local}
public_base=python:3.11-slim
local_base=billpay/python-base:bookworm
services=${*:-gateway auth_service invoice_service payment_service notification_service}

port_of() {
    case "$1" in
        gateway) echo 8000 ;; auth_service) echo 8001 ;; invoice_service) echo 8002 ;;
        payment_service) echo 8003 ;; notification_service) echo 8004 ;; sandbox_processor) echo 8010 ;;
        *) echo "build: unknown service $1" >&2; exit 2 ;;
    esac
}

choose_base() {
    if [ -n "${PYTHON_IMAGE:-}" ]; then echo "$PYTHON_IMAGE"; return; fi
    if docker image inspect "$public_base" >/dev/null 2>&1 \
        || { [ "${BILLPAY_NO_PULL:-0}" != 1 ] && timeout 60 docker pull -q "$public_base" >/dev/null 2>&1; }; then
        echo "$public_base"
    else
        echo "build: $public_base cannot be pulled; using the local Debian base $local_base" >&2
        deploy/images/debian-base.sh "$local_base" >&2
        echo "$local_base"
    fi
}

context() {
    tar -c --exclude=tests --exclude=__pycache__ --exclude='*.egg-info' --exclude=build --exclude='*.pyc' \
        constraints.txt billpay_common "$1" deploy/Dockerfile deploy/gunicorn.conf.py deploy/boot.sh deploy/probe.py
}

base=$(choose_base)
for service in $services; do
    image="billpay/$(echo "$service" | tr _ -):$tag"
    started=$(date +%s)
    context "$service" | DOCKER_BUILDKIT=0 docker build -q -f deploy/Dockerfile \
        --build-arg PYTHON_IMAGE="$base" --build-arg SERVICE="$service" --build-arg PORT="$(port_of "$service")" \
        -t "$image" - >/dev/null
    size=$(docker image inspect -f '{{.Size}}' "$image")
    echo "built $image from $base in $(( $(date +%s) - started )) s, $(( size / 1000000 )) MB"
done
