#!/bin/sh
# Make sure a Docker engine answers (idempotent): nothing to do when `docker info` works; otherwise, as root on
# Debian without systemd, install docker.io when dockerd is missing and start dockerd in the background, its log
# in $DOCKERD_LOG (default /var/log/dockerd.log). Exits 3 when no engine can run here (not root, no apt-get).
set -eu

log=${DOCKERD_LOG:-/var/log/dockerd.log}

engine_answers() { docker info >/dev/null 2>&1; }

engine_answers && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "engine: no Docker engine answers and this user cannot start one" >&2
    exit 3
fi

if ! command -v dockerd >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || { echo "engine: no dockerd and no apt-get to install docker.io" >&2; exit 3; }
    apt-get install -y -qq --no-install-recommends docker.io >/dev/null 2>&1 \
        || { apt-get update -qq && apt-get install -y -qq --no-install-recommends docker.io >/dev/null; }
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
    nohup dockerd >>"$log" 2>&1 &
fi

tries=0
until engine_answers; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
        echo "engine: dockerd did not answer within 60 s; see $log" >&2
        exit 3
    fi
    sleep 1
done
