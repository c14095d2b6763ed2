#!/bin/sh
# Shared by the other scripts: TLS flags for redis-cli, password hashing, and finding the current master.

# redis-cli flags for the TLS setting (REDIS_TLS=true with certificates mounted at TLS_DIR). `tls_args local`
# is for the probes, which talk to 127.0.0.1: the certificate names the pod's DNS names, not the loopback address.
tls_args() {
  if [ "${REDIS_TLS:-false}" = "true" ]; then
    printf -- '--tls --cacert %s/ca.crt' "${TLS_DIR:-/tls}"
    if [ "${1:-}" = "local" ]; then
      printf -- ' --insecure'
    fi
  fi
}

# The SHA-256 an ACL rule takes (`#<hash>`), so no password is written in clear.
acl_hash() {
  printf '%s' "$1" | sha256sum | cut -d' ' -f1
}

# Prints "host port" of the master a Sentinel reports, or nothing. $1: sentinel host.
sentinel_master() {
  # shellcheck disable=SC2046
  REDISCLI_AUTH="${SENTINEL_AUTH_PASSWORD:-}" timeout 5 redis-cli --no-auth-warning $(tls_args remote) \
    -h "$1" -p 26379 SENTINEL get-master-addr-by-name "$MASTER_NAME" 2>/dev/null \
    | tr '\n' ' ' | awk 'NF == 2 { print $1, $2 }'
}

# Asks each Sentinel in turn (SENTINEL_HOSTS, space-separated) for the current master.
current_master() {
  for sentinel in $SENTINEL_HOSTS; do
    answer=$(sentinel_master "$sentinel" || true)
    if [ -n "$answer" ]; then
      echo "$answer"
      return 0
    fi
  done
  return 1
}
