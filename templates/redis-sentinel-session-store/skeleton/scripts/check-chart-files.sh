#!/bin/sh
# The Helm chart carries a copy of the scripts and base config the Kustomize deployments use
# (k8s/redis/shared/files); this fails when the two have drifted apart. Run it in CI.
set -eu
cd "$(dirname "$0")/.."
diff -r k8s/redis/shared/files helm/${{ values.name }}/files
echo "helm/${{ values.name }}/files matches k8s/redis/shared/files"
