#!/usr/bin/env bash
# Installs what Fleetdeck needs and starts the portal on SQLite: app on http://localhost:3000, backend on :7007.
set -euo pipefail
source "$(dirname "$0")/lib/bootstrap.sh"
cd "$FLEETDECK_ROOT"
yarn_install
log "starting Fleetdeck: open http://localhost:3000 and sign in as ada (admin), grace (operator) or ben (engineer)"
exec yarn start
