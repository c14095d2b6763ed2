# shellcheck shell=bash
# Background processes started by the scripts, each in its own process group, all stopped on exit.

FLEETDECK_PIDS=()

# start_background <log file> <command...>: runs the command in a new session and remembers it.
start_background() {
  local logfile="$1"
  shift
  setsid "$@" >"$logfile" 2>&1 &
  FLEETDECK_PIDS+=("$!")
}

stop_background() {
  local pid
  for pid in "${FLEETDECK_PIDS[@]:-}"; do
    [ -n "$pid" ] || continue
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in "${FLEETDECK_PIDS[@]:-}"; do
    [ -n "$pid" ] || continue
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  FLEETDECK_PIDS=()
}

# wait_for_http <url> <seconds> <what> [log file shown on failure]
wait_for_http() {
  local url="$1" seconds="$2" what="$3" logfile="${4:-}"
  local deadline=$((SECONDS + seconds))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      [ -n "$logfile" ] && tail -n 60 "$logfile" >&2
      die "$what did not answer on $url within ${seconds}s"
    fi
    sleep 1
  done
}

# start_sandbox <out dir> <log file>: starts the sandbox fleet (default scenario) in the background and waits for
# the app-config it writes. Exports FLEETDECK_SANDBOX_CONFIG.
start_sandbox() {
  local out="$1" logfile="$2"
  export FLEETDECK_SANDBOX_CONFIG="$out/app-config.sandbox.yaml"
  rm -f "$FLEETDECK_SANDBOX_CONFIG"
  start_background "$logfile" yarn sandbox start --out "$out"
  local deadline=$((SECONDS + 120))
  until [ -f "$FLEETDECK_SANDBOX_CONFIG" ]; do
    if [ $SECONDS -ge $deadline ] || ! kill -0 "${FLEETDECK_PIDS[-1]}" 2>/dev/null; then
      tail -n 40 "$logfile" >&2
      die "the sandbox fleet did not start (log: $logfile)"
    fi
    sleep 0.5
  done
  log "sandbox fleet up: $(head -n 1 "$logfile")"
}
