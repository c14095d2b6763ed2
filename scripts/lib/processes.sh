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
