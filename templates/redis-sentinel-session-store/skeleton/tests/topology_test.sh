#!/bin/sh
# Runs the manifests' own scripts (k8s/redis/shared/files) against real redis-server processes: a master, two
# replicas and three Sentinels, each on its own loopback address as pods have their own IPs. Checks the ACL
# users, replication and the probes, the session cleanup, a Sentinel failover and that a restarted old master
# rejoins as a replica. Needs redis-server and redis-cli 7.x on PATH; uses 127.0.0.11-13 and .21-23.
set -eu

FILES=$(cd "$(dirname "$0")/../k8s/redis/shared/files" && pwd)
WORK=$(mktemp -d)
MASTER_IP=127.0.0.11
SERVER_IPS="127.0.0.11 127.0.0.12 127.0.0.13"
SENTINEL_IPS="127.0.0.21 127.0.0.22 127.0.0.23"
passed=0
failed=0

stop_all() {
  for pidfile in "$WORK"/*/pid; do
    if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; fi
  done
  sleep 0.5
  rm -rf "$WORK"
}
trap stop_all EXIT

secret() { head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
export SCRIPTS_DIR="$FILES" MASTER_NAME=test-master SENTINEL_QUORUM=2 REDIS_MAXMEMORY=64mb
export SENTINEL_DOWN_AFTER_MS=1000 SENTINEL_FAILOVER_TIMEOUT_MS=5000
export SENTINEL_HOSTS="$SENTINEL_IPS" BOOTSTRAP_MASTER="$MASTER_IP"
for user in ADMIN APP CLEANUP REPLICATION SENTINEL EXPORTER PROBE; do
  export "REDIS_${user}_PASSWORD=$(secret)"
done
SENTINEL_AUTH_PASSWORD=$(secret)
export SENTINEL_AUTH_PASSWORD

check() {
  name=$1
  shift
  if "$@" >/dev/null 2>&1; then
    passed=$((passed + 1))
    echo "ok   $name"
  else
    failed=$((failed + 1))
    echo "FAIL $name"
  fi
}

eventually() {
  n=0
  while [ $n -lt 60 ]; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    n=$((n + 1))
    sleep 0.5
  done
  return 1
}

as() {
  user=$1 ip=$2
  shift 2
  REDISCLI_AUTH=$(eval "printf %s \"\$REDIS_$(echo "$user" | tr '[:lower:]' '[:upper:]')_PASSWORD\"") \
    redis-cli --no-auth-warning --user "$user" -h "$ip" -p 6379 "$@"
}

sentinel_cli() {
  host=$1
  shift
  REDISCLI_AUTH=$SENTINEL_AUTH_PASSWORD redis-cli --no-auth-warning -h "$host" -p 26379 SENTINEL "$@" 2>/dev/null
}

start_server() {
  ip=$1
  dir="$WORK/server-$ip"
  mkdir -p "$dir/data"
  RUN_DIR="$dir" DATA_DIR="$dir/data" ANNOUNCE_HOST="$ip" REDIS_BIND="$ip" sh "$FILES/configure-server.sh" > "$dir/configure.log"
  redis-server "$dir/redis.conf" --daemonize yes --pidfile "$dir/pid" --logfile "$dir/redis.log"
}

start_sentinel() {
  ip=$1
  dir="$WORK/sentinel-$ip"
  mkdir -p "$dir"
  RUN_DIR="$dir" ANNOUNCE_HOST="$ip" REDIS_BIND="$ip" sh "$FILES/configure-sentinel.sh" > "$dir/configure.log"
  redis-server "$dir/sentinel.conf" --sentinel --daemonize yes --pidfile "$dir/pid" --logfile "$dir/sentinel.log"
}

probe() { REDIS_BIND=$2 sh "$FILES/probe.sh" "$1"; }
master_is() { [ "$(sentinel_cli 127.0.0.21 get-master-addr-by-name test-master | head -1)" = "$1" ]; }
master_is_not() { addr=$(sentinel_cli 127.0.0.21 get-master-addr-by-name test-master | head -1); [ -n "$addr" ] && [ "$addr" != "$1" ]; }

for ip in $SERVER_IPS; do start_server "$ip"; done
for ip in $SENTINEL_IPS; do start_sentinel "$ip"; done

check "the bootstrap master starts as master" grep -q "^master: $MASTER_IP" "$WORK/server-$MASTER_IP/configure.log"
check "the others start as its replicas" grep -q "^replica of $MASTER_IP:6379" "$WORK/server-127.0.0.12/configure.log"
check "no password is written in clear to the ACL file" sh -c "! grep -q '>' '$WORK/server-$MASTER_IP/users.acl'"
check "replica 1 becomes ready (linked, synced)" eventually probe readiness 127.0.0.12
check "replica 2 becomes ready (linked, synced)" eventually probe readiness 127.0.0.13
check "the master is live and ready" probe readiness "$MASTER_IP"
check "the Sentinels report the master" eventually master_is "$MASTER_IP"
check "each Sentinel becomes ready" eventually probe sentinel-readiness 127.0.0.23
check "the Sentinels see each other (quorum reachable)" eventually sh -c \
  "REDISCLI_AUTH=$SENTINEL_AUTH_PASSWORD redis-cli --no-auth-warning -h 127.0.0.21 -p 26379 SENTINEL ckquorum test-master | grep -q '^OK 3 usable'"

check "the default user is disabled" sh -c "redis-cli -h $MASTER_IP -p 6379 PING | grep -q NOAUTH"
check "app may write session keys" sh -c "[ \"\$(REDISCLI_AUTH=$REDIS_APP_PASSWORD redis-cli --no-auth-warning --user app -h $MASTER_IP SET session:probe x EX 60)\" = OK ]"
check "app may not write other keys" sh -c "REDISCLI_AUTH=$REDIS_APP_PASSWORD redis-cli --no-auth-warning --user app -h $MASTER_IP SET other:key x | grep -q NOPERM"
check "app may not FLUSHALL" sh -c "REDISCLI_AUTH=$REDIS_APP_PASSWORD redis-cli --no-auth-warning --user app -h $MASTER_IP FLUSHALL | grep -q NOPERM"
check "probe may not read data" sh -c "REDISCLI_AUTH=$REDIS_PROBE_PASSWORD redis-cli --no-auth-warning --user probe -h $MASTER_IP GET session:probe | grep -q NOPERM"

# Session-store data: session b has expired, its reference in user_sessions:u1 dangles; one expiry entry is due.
now=$(date +%s)
as app "$MASTER_IP" HSET session:a user u1 > /dev/null
as app "$MASTER_IP" EXPIRE session:a 600 > /dev/null
as app "$MASTER_IP" SADD user_sessions:u1 a b > /dev/null
as app "$MASTER_IP" ZADD session_expirations $((now - 10)) b $((now + 600)) a > /dev/null
out=$(sh "$FILES/cleanup.sh")
check "the cleanup reports what it removed" sh -c "echo '$out' | grep -q '\"expiredEntries\":1,\"danglingSessionRefs\":1'"
check "the cleanup ran against the master Sentinel named" sh -c "echo '$out' | grep -q '\"master\":\"$MASTER_IP:6379\"'"
check "the cleanup kept the live session's reference" sh -c "[ \"\$(REDISCLI_AUTH=$REDIS_APP_PASSWORD redis-cli --no-auth-warning --user app -h $MASTER_IP SMEMBERS user_sessions:u1)\" = a ]"
check "the cleanup kept the future expiry entry" sh -c "[ \"\$(REDISCLI_AUTH=$REDIS_APP_PASSWORD redis-cli --no-auth-warning --user app -h $MASTER_IP ZCARD session_expirations)\" = 1 ]"
check "the data reached the replicas" eventually sh -c "[ \"\$(REDISCLI_AUTH=$REDIS_ADMIN_PASSWORD redis-cli --no-auth-warning --user admin -h 127.0.0.13 EXISTS session:a)\" = 1 ]"

sentinel_cli 127.0.0.22 failover test-master > /dev/null
check "a Sentinel failover promotes a replica" eventually master_is_not "$MASTER_IP"
new_master=$(sentinel_cli 127.0.0.21 get-master-addr-by-name test-master | head -1)
check "the new master has the data" sh -c "[ \"\$(REDISCLI_AUTH=$REDIS_ADMIN_PASSWORD redis-cli --no-auth-warning --user admin -h $new_master EXISTS session:a)\" = 1 ]"
check "the new master takes writes" eventually sh -c "[ \"\$(REDISCLI_AUTH=$REDIS_APP_PASSWORD redis-cli --no-auth-warning --user app -h $new_master SET session:after x EX 60)\" = OK ]"

kill "$(cat "$WORK/server-$MASTER_IP/pid")"
sleep 1
start_server "$MASTER_IP"
check "the old master restarts as a replica of the new one" grep -q "^replica of $new_master:6379" "$WORK/server-$MASTER_IP/configure.log"
check "and catches up" eventually probe readiness "$MASTER_IP"
out=$(sh "$FILES/cleanup.sh")
check "the cleanup follows the master" sh -c "echo '$out' | grep -q '\"master\":\"$new_master:6379\"'"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
