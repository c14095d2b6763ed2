#!/usr/bin/env sh
# Creates the Secrets ${{ values.name }} reads, with random passwords, in namespace ${{ values.namespace }}.
# Credentials never live in Git; run this once per cluster (or replace it with External Secrets, see
# docs/postgresql_aws.md). Existing Secrets are left alone so a re-run never changes a live password.
set -eu
NAMESPACE="${NAMESPACE:-${{ values.namespace }}}"
random() { openssl rand -base64 32 | tr -d '/+=' | cut -c1-32; }

kubectl get namespace "$NAMESPACE" >/dev/null 2>&1 || kubectl apply -f deploy/namespace.yaml

create() {
  name="$1"; shift
  if kubectl -n "$NAMESPACE" get secret "$name" >/dev/null 2>&1; then
    echo "secret/$name exists, left unchanged"
  else
    kubectl -n "$NAMESPACE" create secret generic "$name" "$@"
  fi
}

create ${{ values.name }}-postgres \
  --from-literal=postgres-password="$(random)" \
  --from-literal=app-password="$(random)"
create ${{ values.name }}-grafana \
  --from-literal=admin-user=admin \
  --from-literal=admin-password="$(random)"
