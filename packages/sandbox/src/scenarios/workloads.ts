import type { SandboxCluster } from '../kubernetes/SandboxCluster';
import { typeOfKind } from '../kubernetes/resources';

const DEPLOYMENT = typeOfKind('Deployment');
const STATEFULSET = typeOfKind('StatefulSet');
const SERVICE = typeOfKind('Service');

/** A workload the scenario runs, and the catalog Component that describes it. */
export interface Workload {
  id: string; // backstage.io/kubernetes-id
  namespace: string;
  kind: 'Deployment' | 'StatefulSet';
  replicas: number;
  image: string;
  component: {
    title: string;
    description: string;
    owner: string;
    system: string;
    annotations?: Record<string, string>;
  };
}

export const SHOP_WORKLOADS: Workload[] = [
  {
    id: 'cart',
    namespace: 'shop',
    kind: 'Deployment',
    replicas: 2,
    image: 'registry.internal/shop/cart:3.4.1',
    component: {
      title: 'Cart',
      description: 'Shopping cart API',
      owner: 'group:default/team-shop',
      system: 'shop',
    },
  },
  {
    id: 'checkout',
    namespace: 'shop',
    kind: 'Deployment',
    replicas: 2,
    image: 'registry.internal/shop/checkout:2.9.0',
    component: {
      title: 'Checkout',
      description: 'Checkout and payment orchestration',
      owner: 'group:default/team-shop',
      system: 'shop',
    },
  },
  {
    id: 'catalog-api',
    namespace: 'shop',
    kind: 'Deployment',
    replicas: 2,
    image: 'registry.internal/shop/catalog-api:5.0.2',
    component: {
      title: 'Catalog API',
      description: 'Product catalog read API',
      owner: 'group:default/team-shop',
      system: 'shop',
    },
  },
];

export function sessionWorkloads(
  poolRef: string,
  sentinelGroup: string,
): Workload[] {
  return [
    {
      id: 'session-store',
      namespace: 'sessions',
      kind: 'StatefulSet',
      replicas: 3,
      image: 'redis:7.2.5',
      component: {
        title: 'Session store',
        description:
          'Redis with Sentinel for user sessions and tokens (seed 004)',
        owner: 'group:default/team-sessions',
        system: 'sessions',
        annotations: { 'fleetdeck.io/sentinel-group': sentinelGroup },
      },
    },
    {
      id: 'session-provisioner',
      namespace: 'sessions',
      kind: 'Deployment',
      replicas: 1,
      image: 'session-provisioner:1.4.0',
      component: {
        title: 'Session provisioner',
        description:
          'Keeps a warm pool of WebSocket pods and assigns one per session (seed 003)',
        owner: 'group:default/team-sessions',
        system: 'sessions',
        annotations: { 'fleetdeck.io/warm-pool': poolRef },
      },
    },
  ];
}

/** Creates a workload (and its Service) in a cluster, labelled so the Kubernetes plugin finds it. */
export function deployWorkload(cluster: SandboxCluster, w: Workload): void {
  const labels = { app: w.id, 'backstage.io/kubernetes-id': w.id };
  const template = {
    metadata: { labels },
    spec: {
      containers: [
        {
          name: w.id,
          image: w.image,
          ports: [{ containerPort: 8080, name: 'http' }],
          resources: {
            requests: { cpu: '100m', memory: '128Mi' },
            limits: { cpu: '500m', memory: '256Mi' },
          },
          readinessProbe: { httpGet: { path: '/health', port: 'http' } },
        },
      ],
    },
  };
  const type = w.kind === 'Deployment' ? DEPLOYMENT : STATEFULSET;
  if (cluster.store.tryGet(type, w.namespace, w.id)) return;
  cluster.store.create(type, w.namespace, {
    apiVersion: 'apps/v1',
    kind: w.kind,
    metadata: { name: w.id, labels },
    spec: {
      replicas: w.replicas,
      selector: { matchLabels: { app: w.id } },
      template,
      ...(w.kind === 'StatefulSet' ? { serviceName: w.id } : {}),
    },
  });
  cluster.store.create(SERVICE, w.namespace, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: w.id, labels },
    spec: {
      selector: { app: w.id },
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      type: 'ClusterIP',
    },
  });
}
