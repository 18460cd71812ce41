#!/bin/sh
# `redis-server ARGS` as the official image runs it: no protected mode (the network is the stack's own), /data.
set -eu
if [ "${1:-}" = redis-server ]; then
    shift
    exec redis-server --bind "0.0.0.0" --protected-mode no --dir /data "$@"
fi
exec "$@"
