#!/bin/sh
# The session-store cleanup (a CronJob): TTLs expire sessions and tokens, but not the references to them.
#  - members of user_sessions:<user> whose session:<id> has expired are removed (atomically per set, in Lua);
#  - entries of the expiry-tracking sorted sets (EXPIRATION_SETS; score = expiry in epoch seconds) that are due
#    are removed.
# Runs against the current master: Sentinel says which one (SENTINEL_HOSTS), else REDIS_HOST.
set -eu
# shellcheck source=common.sh
. "${SCRIPTS_DIR:-/scripts}/common.sh"

if [ -n "${SENTINEL_HOSTS:-}" ]; then
  master=$(current_master) || { echo "no Sentinel reported a master for $MASTER_NAME" >&2; exit 1; }
  host=${master% *}
  port=${master#* }
else
  host=$REDIS_HOST
  port=${REDIS_PORT:-6379}
fi

export REDISCLI_AUTH="$REDIS_CLEANUP_PASSWORD"
cli() {
  # shellcheck disable=SC2046
  redis-cli --no-auth-warning $(tls_args remote) --user cleanup -h "$host" -p "$port" "$@"
}

PRUNE='local removed = 0
for _, id in ipairs(redis.call("SMEMBERS", KEYS[1])) do
  if redis.call("EXISTS", "session:" .. id) == 0 then
    redis.call("SREM", KEYS[1], id)
    removed = removed + 1
  end
end
return removed'

now=$(date +%s)
expired=0
for set in ${EXPIRATION_SETS:-session_expirations refresh_token_expirations deletion_token_expirations}; do
  n=$(cli ZREMRANGEBYSCORE "$set" -inf "$now")
  case $n in
    '' | *[!0-9]*) echo "ZREMRANGEBYSCORE $set failed: $n" >&2; exit 1 ;;
  esac
  expired=$((expired + n))
done

dangling=$(cli --scan --pattern 'user_sessions:*' \
  | while read -r key; do cli EVAL "$PRUNE" 1 "$key"; done \
  | awk '{ total += $1 } END { print total + 0 }')

echo "{\"master\":\"$host:$port\",\"expiredEntries\":$expired,\"danglingSessionRefs\":$dangling}"
