#!/bin/sh
# Build a local Python base image from Debian packages, for machines where no image registry answers
# (so `FROM python:3.11-slim` cannot be pulled):
#   deploy/images/debian-base.sh [IMAGE]     default billpay/python-base:bookworm; does nothing if it exists
# Debian bookworm's python3 is 3.11, the version the services are built for. The machine's CA bundle is copied
# in so that pip inside `docker build` trusts the same package index the machine does. Needs root, debootstrap.
set -eu

image=${1:-billpay/python-base:bookworm}
suite=${DEBIAN_SUITE:-bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
ca_bundle=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}

if docker image inspect "$image" >/dev/null 2>&1; then
    exit 0
fi
command -v debootstrap >/dev/null 2>&1 || apt-get install -y -qq --no-install-recommends debootstrap >/dev/null

rootfs=$(mktemp -d /var/tmp/billpay-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
echo "base: debootstrap $suite into $rootfs (about a minute)"
debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates \
    "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || { tail -20 "$rootfs.log" >&2; exit 1; }
rm -f "$rootfs.log"

ln -sf python3 "$rootfs/usr/bin/python"
# The machine's CA bundle, under its own name (update-ca-certificates would regenerate the system one).
install -D -m 0644 "$ca_bundle" "$rootfs/etc/ssl/certs/billpay-build-ca.crt"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*

tar -C "$rootfs" -c . | docker import \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PIP_CERT=/etc/ssl/certs/billpay-build-ca.crt' \
    --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/billpay-build-ca.crt' \
    --change 'CMD ["python3"]' \
    - "$image" >/dev/null
echo "base: $image built"
