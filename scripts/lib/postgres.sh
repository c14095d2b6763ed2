# shellcheck shell=bash
# A throwaway PostgreSQL 15 cluster on a free loopback port, for database tests and the e2e portal.
# start_postgres exports FLEETDECK_PG_URL (postgresql://postgres:postgres@127.0.0.1:<port>); stop_postgres removes it.

FLEETDECK_PG_BIN="${FLEETDECK_PG_BIN:-/usr/lib/postgresql/15/bin}"

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Runs a command as the cluster's owner: PostgreSQL refuses to run as root.
as_pg_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

start_postgres() {
  [ -x "$FLEETDECK_PG_BIN/initdb" ] || ensure_apt "$FLEETDECK_PG_BIN/initdb:postgresql-15"
  FLEETDECK_PG_DIR="$(mktemp -d /tmp/fleetdeck-pg.XXXXXX)"
  [ "$(id -u)" -eq 0 ] && chown postgres "$FLEETDECK_PG_DIR"
  local port pwfile
  port="$(free_port)"
  pwfile="$FLEETDECK_PG_DIR/pw"
  echo postgres >"$pwfile"
  [ "$(id -u)" -eq 0 ] && chown postgres "$pwfile"
  as_pg_owner "$FLEETDECK_PG_BIN/initdb" -D "$FLEETDECK_PG_DIR/data" -U postgres --pwfile="$pwfile" \
    --auth=scram-sha-256 -E UTF8 >"$FLEETDECK_PG_DIR/initdb.log" 2>&1 || { cat "$FLEETDECK_PG_DIR/initdb.log"; die "initdb failed"; }
  as_pg_owner "$FLEETDECK_PG_BIN/pg_ctl" -D "$FLEETDECK_PG_DIR/data" -l "$FLEETDECK_PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $FLEETDECK_PG_DIR -c max_connections=300 -c fsync=off" start >/dev/null ||
    { cat "$FLEETDECK_PG_DIR/server.log"; die "pg_ctl start failed"; }
  export FLEETDECK_PG_URL="postgresql://postgres:postgres@127.0.0.1:$port"
  export FLEETDECK_PG_PORT="$port"
  log "PostgreSQL 15 on 127.0.0.1:$port ($FLEETDECK_PG_DIR)"
}

stop_postgres() {
  [ -n "${FLEETDECK_PG_DIR:-}" ] && [ -d "$FLEETDECK_PG_DIR" ] || return 0
  as_pg_owner "$FLEETDECK_PG_BIN/pg_ctl" -D "$FLEETDECK_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$FLEETDECK_PG_DIR"
  unset FLEETDECK_PG_DIR
}
