import { parseYamlDocuments, SourcedObject } from '../documents';

/** A small set of manifests that passes every production rule; tests break one thing at a time. */
export const GOOD_MANIFESTS = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  replicas: 2
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: api
          image: registry.example.com/shop/api:1.4.2
          env:
            - name: DB_PASSWORD
              valueFrom: { secretKeyRef: { name: db, key: password } }
          securityContext:
            readOnlyRootFilesystem: true
            allowPrivilegeEscalation: false
            capabilities: { drop: [ALL] }
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { cpu: 500m, memory: 256Mi }
          livenessProbe: { httpGet: { path: /healthz, port: 8080 } }
          readinessProbe: { httpGet: { path: /readyz, port: 8080 } }
          startupProbe: { httpGet: { path: /healthz, port: 8080 } }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: api, namespace: shop }
spec:
  minAvailable: 1
  selector: { matchLabels: { app: api } }
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec:
  selector: { app: api }
  ports: [{ name: http, port: 80, targetPort: 8080 }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: cleanup, namespace: shop }
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
          containers:
            - name: cleanup
              image: registry.example.com/shop/cleanup:1.0.0
              securityContext:
                readOnlyRootFilesystem: true
                allowPrivilegeEscalation: false
                capabilities: { drop: [ALL] }
              resources:
                requests: { cpu: 10m, memory: 32Mi }
                limits: { cpu: 100m, memory: 64Mi }
`;

/** The good manifests as parsed objects (fresh copies each call), from `file`. */
export function goodObjects(file = 'k8s/shop.yaml'): SourcedObject[] {
  return parseYamlDocuments(file, GOOD_MANIFESTS).objects;
}

/** The object of a kind from a list. */
export function find(objects: SourcedObject[], kind: string): any {
  return objects.find(o => o.object.kind === kind)!.object;
}
