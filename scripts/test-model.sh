#!/usr/bin/env bash
# The wave engine's model-based test for long runs: `yarn test:model --runs 2000` runs 2,000 sequences on PostgreSQL
# (and a quarter as many on SQLite), against a throwaway PostgreSQL 15 unless one is given in
# BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING. `--seed S --path P` replays a failure fast-check printed.
set -euo pipefail
source "$(dirname "$0")/lib/bootstrap.sh"
source "$FLEETDECK_ROOT/scripts/lib/postgres.sh"
runs=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --seed) export FLEETDECK_MODEL_SEED="$2"; shift 2 ;;
    --path) export FLEETDECK_MODEL_PATH="$2"; shift 2 ;;
    *) die "unknown option $1 (use --runs N, --seed S, --path P)" ;;
  esac
done
trap stop_postgres EXIT
if [ -z "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ]; then
  start_postgres
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="$FLEETDECK_PG_URL"
fi
export FLEETDECK_MODEL_RUNS="$runs"
cd "$FLEETDECK_ROOT/plugins/upgrade-waves-backend"
CI=true yarn backstage-cli package test --maxWorkers=1 src/waveEngine.model.test.ts
