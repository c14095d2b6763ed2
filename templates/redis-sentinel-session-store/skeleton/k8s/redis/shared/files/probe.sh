#!/bin/sh
# Kubernetes probes. $1: liveness | readiness (Redis server), sentinel-liveness | sentinel-readiness.
set -eu
# shellcheck source=common.sh
. "${SCRIPTS_DIR:-/scripts}/common.sh"

# The server listens on all addresses in a pod; REDIS_BIND narrows it (local topologies on loopback).
host=${REDIS_BIND:-127.0.0.1}
host=${host%% *}

case "$1" in
  liveness | readiness)
    # shellcheck disable=SC2046
    reply=$(REDISCLI_AUTH="$REDIS_PROBE_PASSWORD" timeout 3 redis-cli --no-auth-warning $(tls_args local) \
      --user probe -h "$host" -p 6379 PING)
    case "$reply" in
      PONG) ;;
      # Still loading the dataset: alive, not ready.
      LOADING*) [ "$1" = "liveness" ] && exit 0 || exit 1 ;;
      *) echo "$reply"; exit 1 ;;
    esac
    if [ "$1" = "readiness" ]; then
      # shellcheck disable=SC2046
      info=$(REDISCLI_AUTH="$REDIS_PROBE_PASSWORD" timeout 3 redis-cli --no-auth-warning $(tls_args local) \
        --user probe -h "$host" -p 6379 INFO replication)
      if echo "$info" | grep -q '^role:slave'; then
        # A replica is ready once it is linked to its master and done with the initial sync.
        echo "$info" | grep -q '^master_link_status:up' || { echo "master link down"; exit 1; }
        echo "$info" | grep -q '^master_sync_in_progress:0' || { echo "syncing"; exit 1; }
      fi
    fi
    ;;
  sentinel-liveness | sentinel-readiness)
    # shellcheck disable=SC2046
    reply=$(REDISCLI_AUTH="$SENTINEL_AUTH_PASSWORD" timeout 3 redis-cli --no-auth-warning $(tls_args local) \
      -h "$host" -p 26379 PING)
    [ "$reply" = "PONG" ] || { echo "$reply"; exit 1; }
    if [ "$1" = "sentinel-readiness" ]; then
      # Ready once this Sentinel knows the master (it has one to monitor).
      # shellcheck disable=SC2046
      REDISCLI_AUTH="$SENTINEL_AUTH_PASSWORD" timeout 3 redis-cli --no-auth-warning $(tls_args local) \
        -h "$host" -p 26379 SENTINEL get-master-addr-by-name "$MASTER_NAME" | grep -q .
    fi
    ;;
  *)
    echo "usage: probe.sh liveness|readiness|sentinel-liveness|sentinel-readiness" >&2
    exit 2
    ;;
esac
