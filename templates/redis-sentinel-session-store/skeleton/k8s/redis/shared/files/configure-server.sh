#!/bin/sh
# Writes this Redis server's configuration and ACL file into RUN_DIR (an emptyDir) before it starts.
# With Sentinel (SENTINEL_HOSTS set) it asks the Sentinels for the current master, so a restarted pod rejoins as
# a replica of whoever is master now; when none answers (the very first start) BOOTSTRAP_MASTER is the master.
set -eu
# shellcheck source=common.sh
. "${SCRIPTS_DIR:-/scripts}/common.sh"

RUN_DIR=${RUN_DIR:-/run/redis}
# The name other servers and the Sentinels reach this one by: its stable DNS name behind the headless Service.
SELF=${ANNOUNCE_HOST:-"$(hostname).${HEADLESS_SERVICE}.${POD_NAMESPACE}.svc.${CLUSTER_DOMAIN:-cluster.local}"}

umask 077
cat > "$RUN_DIR/users.acl" <<ACL
user default off
user admin on #$(acl_hash "$REDIS_ADMIN_PASSWORD") ~* &* +@all
user app on #$(acl_hash "$REDIS_APP_PASSWORD") resetchannels ~session:* ~user_sessions:* ~refresh_token:* ~deletion_token:* ~*_expirations +@read +@write +@keyspace +@transaction +@connection +@scripting -@dangerous
user cleanup on #$(acl_hash "$REDIS_CLEANUP_PASSWORD") resetchannels ~session:* ~user_sessions:* ~*_expirations -@all +ping +scan +smembers +srem +exists +zremrangebyscore +eval
user replication on #$(acl_hash "$REDIS_REPLICATION_PASSWORD") resetchannels -@all +psync +replconf +ping
user sentinel on #$(acl_hash "$REDIS_SENTINEL_PASSWORD") allchannels -@all +multi +slaveof +ping +exec +subscribe +config|rewrite +role +publish +info +client|setname +client|kill +script|kill
user exporter on #$(acl_hash "$REDIS_EXPORTER_PASSWORD") resetchannels ~* -@all +client +ping +info +config|get +cluster|info +slowlog +latency +memory +select +get +scan +xinfo +type +pfcount +strlen +llen +scard +zcard +hlen +xlen +eval
user probe on #$(acl_hash "$REDIS_PROBE_PASSWORD") resetchannels -@all +ping +info
ACL

{
  echo "include ${SCRIPTS_DIR:-/scripts}/redis.conf"
  [ -n "${REDIS_BIND:-}" ] && echo "bind $REDIS_BIND"
  echo "dir ${DATA_DIR:-/data}"
  echo "aclfile $RUN_DIR/users.acl"
  echo "maxmemory ${REDIS_MAXMEMORY:-0}"
  echo "masteruser replication"
  echo "masterauth $REDIS_REPLICATION_PASSWORD"
  echo "replica-announce-ip $SELF"
  if [ "${REDIS_TLS:-false}" = "true" ]; then
    echo "port 0"
    echo "tls-port 6379"
    echo "tls-cert-file ${TLS_DIR:-/tls}/tls.crt"
    echo "tls-key-file ${TLS_DIR:-/tls}/tls.key"
    echo "tls-ca-cert-file ${TLS_DIR:-/tls}/ca.crt"
    echo "tls-replication yes"
    echo "tls-auth-clients optional"
  fi
} > "$RUN_DIR/redis.conf"

if [ -z "${SENTINEL_HOSTS:-}" ]; then
  echo "standalone: $SELF"
  exit 0
fi

# Writes wait for one replica to have the data, so a failover loses at most the last seconds.
echo "min-replicas-to-write 1" >> "$RUN_DIR/redis.conf"
echo "min-replicas-max-lag 10" >> "$RUN_DIR/redis.conf"

master=""
attempt=0
while [ $attempt -lt 3 ]; do
  master=$(current_master || true)
  [ -n "$master" ] && break
  attempt=$((attempt + 1))
  sleep 2
done
if [ -z "$master" ]; then
  master="$BOOTSTRAP_MASTER 6379"
  echo "no Sentinel answered; bootstrap master is ${BOOTSTRAP_MASTER}"
fi
master_host=${master% *}
master_port=${master#* }
if [ "$master_host" = "$SELF" ]; then
  echo "master: $SELF"
else
  echo "replicaof $master_host $master_port" >> "$RUN_DIR/redis.conf"
  echo "replica of $master_host:$master_port"
fi
