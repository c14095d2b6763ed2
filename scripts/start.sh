#!/usr/bin/env bash
# Installs what Fleetdeck needs and starts the portal on SQLite against the sandbox fleet (packages/sandbox):
# app on http://localhost:3000, backend on :7007. Ctrl-C stops the portal and the fleet.
set -euo pipefail
source "$(dirname "$0")/lib/bootstrap.sh"
source "$FLEETDECK_ROOT/scripts/lib/processes.sh"
cd "$FLEETDECK_ROOT"

ensure_apt curl:curl git:git redis-server:redis-server
yarn_install

trap stop_background EXIT
trap 'exit 130' INT TERM
mkdir -p .data/sandbox
start_sandbox "$FLEETDECK_ROOT/.data/sandbox" "$FLEETDECK_ROOT/.data/sandbox/sandbox.log"
log "starting Fleetdeck: open http://localhost:3000 and sign in as ada (admin), grace (operator) or ben (engineer)"
yarn start --config "$FLEETDECK_ROOT/app-config.yaml" --config "$FLEETDECK_SANDBOX_CONFIG"
