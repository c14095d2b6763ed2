#!/bin/sh
# Writes this Sentinel's configuration into RUN_DIR (an emptyDir; Sentinel rewrites it as it learns).
# The master is what the other Sentinels report, else BOOTSTRAP_MASTER on the very first start.
set -eu
# shellcheck source=common.sh
. "${SCRIPTS_DIR:-/scripts}/common.sh"

RUN_DIR=${RUN_DIR:-/run/redis}
SELF=${ANNOUNCE_HOST:-"$(hostname).${SENTINEL_HEADLESS_SERVICE}.${POD_NAMESPACE}.svc.${CLUSTER_DOMAIN:-cluster.local}"}

master=$(current_master || true)
if [ -z "$master" ]; then
  master="$BOOTSTRAP_MASTER 6379"
fi

umask 077
{
  echo "port 26379"
  [ -n "${REDIS_BIND:-}" ] && echo "bind $REDIS_BIND"
  echo "dir $RUN_DIR"
  echo "sentinel resolve-hostnames yes"
  echo "sentinel announce-hostnames yes"
  echo "sentinel announce-ip $SELF"
  echo "sentinel announce-port 26379"
  echo "sentinel monitor $MASTER_NAME $master $SENTINEL_QUORUM"
  echo "sentinel auth-user $MASTER_NAME sentinel"
  echo "sentinel auth-pass $MASTER_NAME $REDIS_SENTINEL_PASSWORD"
  echo "sentinel down-after-milliseconds $MASTER_NAME ${SENTINEL_DOWN_AFTER_MS:-5000}"
  echo "sentinel failover-timeout $MASTER_NAME ${SENTINEL_FAILOVER_TIMEOUT_MS:-60000}"
  echo "sentinel parallel-syncs $MASTER_NAME 1"
  echo "requirepass $SENTINEL_AUTH_PASSWORD"
  echo "sentinel sentinel-pass $SENTINEL_AUTH_PASSWORD"
  if [ "${REDIS_TLS:-false}" = "true" ]; then
    echo "port 0"
    echo "tls-port 26379"
    echo "tls-cert-file ${TLS_DIR:-/tls}/tls.crt"
    echo "tls-key-file ${TLS_DIR:-/tls}/tls.key"
    echo "tls-ca-cert-file ${TLS_DIR:-/tls}/ca.crt"
    echo "tls-replication yes"
    echo "tls-auth-clients optional"
  fi
} > "$RUN_DIR/sentinel.conf"
echo "sentinel $SELF monitors $MASTER_NAME at $master"
