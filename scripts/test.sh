#!/usr/bin/env bash
# Installs what Fleetdeck's tests need and runs every test: type-check, lint, unit and database tests (SQLite and
# a throwaway PostgreSQL 15), and end-to-end tests in Debian's Chromium against the started portal.
# Everything it starts, it stops.
set -euo pipefail
source "$(dirname "$0")/lib/bootstrap.sh"
source "$FLEETDECK_ROOT/scripts/lib/postgres.sh"
source "$FLEETDECK_ROOT/scripts/lib/processes.sh"
cd "$FLEETDECK_ROOT"

cleanup() {
  stop_background
  stop_postgres
}
trap cleanup EXIT
trap 'exit 130' INT TERM

timings=()
step() {
  local name="$1" started=$SECONDS
  shift
  log "── $name"
  "$@"
  timings+=("$(printf '%-34s %4ss' "$name" $((SECONDS - started)))")
}

ensure_apt curl:curl git:git /usr/bin/chromium:chromium redis-server:redis-server \
  "$FLEETDECK_PG_BIN/initdb:postgresql-15" runuser:util-linux
# The template gates run the generated Python's tests with Debian's python3 and these libraries.
py=/usr/lib/python3/dist-packages
ensure_apt /usr/bin/python3:python3 "$py/pytest:python3-pytest" "$py/fastapi:python3-fastapi" \
  "$py/httpx:python3-httpx" "$py/flask:python3-flask" "$py/prometheus_client:python3-prometheus-client"
ensure_kube_tools

step "install" yarn_install
step "type-check (tsc)" yarn tsc
step "lint" yarn lint

if [ -z "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ]; then
  start_postgres
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="$FLEETDECK_PG_URL"
fi
# With CI=true, TestDatabases treats PostgreSQL as required: it uses the connection string above, and without one
# it fails (there is no Docker to fall back to) rather than skipping.
# Live (not zombie) redis-server processes: the tests must leave none behind.
live_redis() { ps -eo stat=,comm= | awk '$2 == "redis-server" && $1 !~ /^Z/' | wc -l; }
redis_before="$(live_redis)"
step "unit + database tests (jest)" env CI=true yarn test --maxWorkers=2
[ "$(live_redis)" -le "$redis_before" ] || die "the tests left redis-server processes running: $(pgrep -a redis-server)"

run_e2e() {
  yarn workspace app build >/tmp/fleetdeck-app-build.log 2>&1 || { tail -n 40 /tmp/fleetdeck-app-build.log; die "app build failed"; }
  export FLEETDECK_E2E_PORT
  FLEETDECK_E2E_PORT="$(free_port)"
  export FLEETDECK_E2E_URL="http://localhost:$FLEETDECK_E2E_PORT"
  local backend_log="$FLEETDECK_ROOT/e2e-artifacts/backend.log"
  mkdir -p "$FLEETDECK_ROOT/e2e-artifacts/screenshots"
  start_sandbox "$FLEETDECK_ROOT/e2e-artifacts/sandbox" "$FLEETDECK_ROOT/e2e-artifacts/sandbox.log"
  start_background "$backend_log" yarn workspace backend start \
    --config ../../app-config.yaml --config "$FLEETDECK_SANDBOX_CONFIG" --config ../../app-config.e2e.yaml
  wait_for_http "$FLEETDECK_E2E_URL/.backstage/health/v1/readiness" 180 "the portal backend" "$backend_log"
  FLEETDECK_SCREENSHOTS_DIR="$FLEETDECK_ROOT/e2e-artifacts/screenshots" yarn playwright test
  stop_background
}
step "end-to-end (Playwright, Chromium)" run_e2e

log "all tests passed"
printf '  %s\n' "${timings[@]}" >&2
