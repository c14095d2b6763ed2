#!/bin/sh
# Creates the Secret `${{ values.name }}-acl` with a random password for each ACL user, unless it exists.
# The passwords go straight from /dev/urandom to the API server: nothing is written to disk or to this repository.
# Usage: scripts/create-acl-secret.sh [namespace]     (in production, prefer your secret manager, same keys)
set -eu
NAMESPACE=${1:-${{ values.namespace }}}
SECRET=${{ values.name }}-acl

if kubectl get secret --namespace "$NAMESPACE" "$SECRET" > /dev/null 2>&1; then
  echo "secret $NAMESPACE/$SECRET exists; leaving it as it is"
  exit 0
fi

password() { head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32; }

kubectl create secret generic "$SECRET" --namespace "$NAMESPACE" \
  --from-literal=admin-password="$(password)" \
  --from-literal=app-password="$(password)" \
  --from-literal=cleanup-password="$(password)" \
  --from-literal=replication-password="$(password)" \
  --from-literal=sentinel-password="$(password)" \
  --from-literal=exporter-password="$(password)" \
  --from-literal=probe-password="$(password)" \
  --from-literal=sentinel-auth-password="$(password)"
kubectl label secret --namespace "$NAMESPACE" "$SECRET" app.kubernetes.io/name=${{ values.name }}
echo "created $NAMESPACE/$SECRET; give applications app-password (user app) and sentinel-auth-password"
