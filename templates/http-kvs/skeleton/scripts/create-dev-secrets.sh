#!/usr/bin/env sh
# Creates the dev environment's MinIO credentials (random, never in Git) in namespace ${{ values.namespace }}.
# Run once before `kubectl apply -k overlays/dev`; an existing Secret is left alone.
set -eu
NAMESPACE="${NAMESPACE:-${{ values.namespace }}}"
kubectl get namespace "$NAMESPACE" >/dev/null 2>&1 || kubectl apply -f overlays/dev/namespace.yaml
if kubectl -n "$NAMESPACE" get secret ${{ values.name }}-minio >/dev/null 2>&1; then
  echo "secret/${{ values.name }}-minio exists, left unchanged"
  exit 0
fi
# Letters and digits only: the bucket Job puts them in a URL (MC_HOST_local).
random() { openssl rand -base64 48 | tr -dc 'A-Za-z0-9' | cut -c1-"$1"; }
kubectl -n "$NAMESPACE" create secret generic ${{ values.name }}-minio \
  --from-literal=root-user="kvs$(random 12)" \
  --from-literal=root-password="$(random 32)"
