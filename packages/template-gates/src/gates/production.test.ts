import { find, goodObjects } from './__fixtures__/workloads';
import { formatFinding } from './Finding';
import {
  checkDockerfile,
  checkProductionRules,
  isPinnedImage,
  selectorMatches,
} from './production';

function check(mutate: (objects: ReturnType<typeof goodObjects>) => void) {
  const objects = goodObjects();
  mutate(objects);
  return checkProductionRules({ label: 'test set', objects }).map(
    formatFinding,
  );
}

const api = (objects: ReturnType<typeof goodObjects>) =>
  find(objects, 'Deployment').spec.template.spec;
const apiContainer = (objects: ReturnType<typeof goodObjects>) =>
  api(objects).containers[0];
const cronContainer = (objects: ReturnType<typeof goodObjects>) =>
  find(objects, 'CronJob').spec.jobTemplate.spec.template.spec.containers[0];

describe('checkProductionRules', () => {
  it('passes manifests that follow every rule', () => {
    expect(check(() => {})).toEqual([]);
  });

  it.each([
    ['latest', 'registry.example.com/shop/api:latest'],
    ['no tag', 'registry.example.com/shop/api'],
    ['a registry port but no tag', 'localhost:5000/shop/api'],
  ])('names an image with %s (image-pinned)', (_case, image) => {
    expect(
      check(o => {
        apiContainer(o).image = image;
      }),
    ).toEqual([
      `[production/image-pinned] k8s/shop.yaml Deployment/api container api: image "${image}" must carry a version tag or digest (not latest)`,
    ]);
  });

  it('names a container that may run as root (run-as-non-root)', () => {
    expect(
      check(o => {
        delete api(o).securityContext.runAsNonRoot;
      }),
    ).toEqual([
      '[production/run-as-non-root] k8s/shop.yaml Deployment/api container api: securityContext.runAsNonRoot must be true (container or pod)',
    ]);
    expect(
      check(o => {
        apiContainer(o).securityContext.runAsUser = 0;
      }),
    ).toEqual([
      '[production/run-as-non-root] k8s/shop.yaml Deployment/api container api: runAsUser must not be 0',
    ]);
  });

  it('names a writable root filesystem (read-only-root-filesystem)', () => {
    expect(
      check(o => {
        cronContainer(o).securityContext.readOnlyRootFilesystem = false;
      }),
    ).toEqual([
      '[production/read-only-root-filesystem] k8s/shop.yaml CronJob/cleanup container cleanup: securityContext.readOnlyRootFilesystem must be true',
    ]);
  });

  it('names kept capabilities (drop-all-capabilities)', () => {
    expect(
      check(o => {
        apiContainer(o).securityContext.capabilities = { drop: ['NET_RAW'] };
      }),
    ).toEqual([
      '[production/drop-all-capabilities] k8s/shop.yaml Deployment/api container api: securityContext.capabilities.drop must include ALL',
    ]);
  });

  it('names privilege escalation and a missing seccomp profile', () => {
    expect(
      check(o => {
        delete apiContainer(o).securityContext.allowPrivilegeEscalation;
        delete api(o).securityContext.seccompProfile;
      }),
    ).toEqual([
      '[production/no-privilege-escalation] k8s/shop.yaml Deployment/api container api: securityContext.allowPrivilegeEscalation must be false',
      '[production/seccomp] k8s/shop.yaml Deployment/api container api: seccompProfile.type must be RuntimeDefault or Localhost (container or pod)',
    ]);
  });

  it('names each missing request and limit (resources)', () => {
    expect(
      check(o => {
        apiContainer(o).resources = { requests: { cpu: '100m' } };
      }),
    ).toEqual([
      '[production/resources] k8s/shop.yaml Deployment/api container api: resources.requests.memory must be set',
      '[production/resources] k8s/shop.yaml Deployment/api container api: resources.limits.cpu must be set',
      '[production/resources] k8s/shop.yaml Deployment/api container api: resources.limits.memory must be set',
    ]);
  });

  it('needs the three probes on long-running containers only (probes)', () => {
    expect(
      check(o => {
        delete apiContainer(o).startupProbe;
      }),
    ).toEqual([
      '[production/probes] k8s/shop.yaml Deployment/api container api: startupProbe missing',
    ]);
    // the CronJob's container has no probes, and needs none
    expect(
      check(o => {
        delete cronContainer(o).livenessProbe;
      }),
    ).toEqual([]);
  });

  it('names literal credentials in env (credentials-from-secrets)', () => {
    expect(
      check(o => {
        apiContainer(o).env = [
          { name: 'AWS_SECRET_ACCESS_KEY', value: 'miniominio' },
        ];
      }),
    ).toEqual([
      '[production/credentials-from-secrets] k8s/shop.yaml Deployment/api container api: env AWS_SECRET_ACCESS_KEY has a literal value; take it from a Secret (valueFrom.secretKeyRef)',
    ]);
  });

  it('needs a PDB selecting a workload with 2+ replicas (pdb)', () => {
    expect(
      check(o => {
        find(o, 'PodDisruptionBudget').spec.selector.matchLabels.app = 'other';
      }),
    ).toEqual([
      '[production/pdb] k8s/shop.yaml Deployment/api: runs 2+ replicas but no PodDisruptionBudget selects its pods',
    ]);
    expect(
      check(o => {
        find(o, 'Deployment').spec.replicas = 1;
        find(o, 'PodDisruptionBudget').spec.selector.matchLabels.app = 'other';
      }),
    ).toEqual([]);
  });

  it('counts an HPA minReplicas and refuses a PDB that blocks every disruption (pdb)', () => {
    const findings = check(o => {
      find(o, 'Deployment').spec.replicas = 1;
      find(o, 'PodDisruptionBudget').spec.minAvailable = 3;
      o.push({
        file: 'k8s/hpa.yaml',
        index: 0,
        object: {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name: 'api', namespace: 'shop' },
          spec: {
            scaleTargetRef: {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: 'api',
            },
            minReplicas: 3,
            maxReplicas: 6,
          },
        },
      });
    });
    expect(findings).toEqual([
      '[production/pdb] k8s/shop.yaml Deployment/api: PodDisruptionBudget/api allows no voluntary disruption at 3 replicas (node drains would hang)',
    ]);
  });

  it('needs a default-deny NetworkPolicy in each namespace with workloads (default-deny-network-policy)', () => {
    const message =
      '[production/default-deny-network-policy] k8s/shop.yaml Namespace/shop: test set: no NetworkPolicy with podSelector {} and policyTypes [Ingress, Egress] and no rules denies by default in this namespace';
    expect(
      check(o => {
        find(o, 'NetworkPolicy').spec.policyTypes = ['Ingress'];
      }),
    ).toEqual([message]);
    expect(
      check(o => {
        find(o, 'NetworkPolicy').metadata.namespace = 'other';
      }),
    ).toEqual([message]);
    expect(
      check(o => {
        find(o, 'NetworkPolicy').spec.ingress = [{}];
      }),
    ).toEqual([message]);
  });

  it('names a Service that selects no pods (service-selects-pods)', () => {
    expect(
      check(o => {
        find(o, 'Service').spec.selector = { app: 'apii' };
      }),
    ).toEqual([
      '[production/service-selects-pods] k8s/shop.yaml Service/api: selector {"app":"apii"} matches no workload\'s pods in test set',
    ]);
  });
});

describe('isPinnedImage', () => {
  it('accepts version tags and digests, refuses the rest', () => {
    expect(isPinnedImage('postgres:16.4-alpine3.20')).toBe(true);
    expect(isPinnedImage(`minio/minio@sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(isPinnedImage('localhost:5000/api:1.0.0')).toBe(true);
    expect(isPinnedImage('postgres')).toBe(false);
    expect(isPinnedImage('postgres:latest')).toBe(false);
    expect(isPinnedImage(undefined)).toBe(false);
  });
});

describe('selectorMatches', () => {
  it('reads matchLabels and matchExpressions', () => {
    const labels = { app: 'api', tier: 'backend' };
    expect(selectorMatches({ matchLabels: { app: 'api' } }, labels)).toBe(true);
    expect(
      selectorMatches(
        {
          matchExpressions: [
            { key: 'tier', operator: 'In', values: ['backend'] },
          ],
        },
        labels,
      ),
    ).toBe(true);
    expect(
      selectorMatches(
        {
          matchExpressions: [
            { key: 'tier', operator: 'NotIn', values: ['backend'] },
          ],
        },
        labels,
      ),
    ).toBe(false);
    expect(
      selectorMatches(
        { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] },
        labels,
      ),
    ).toBe(true);
    expect(selectorMatches(undefined, labels)).toBe(false);
  });
});

describe('checkDockerfile', () => {
  it('passes a pinned multi-stage build that ends as a non-root user', () => {
    expect(
      checkDockerfile(
        'app/Dockerfile',
        'FROM python:3.12.7-slim AS build\nRUN true\nFROM build\nUSER 10001\n',
      ),
    ).toEqual([]);
  });

  it('names an unpinned base and a root final stage', () => {
    expect(
      checkDockerfile(
        'app/Dockerfile',
        'FROM python\nUSER 10001\nFROM python:latest\n',
      ).map(formatFinding),
    ).toEqual([
      '[production/dockerfile-base-pinned] app/Dockerfile: FROM python must name a version tag or digest (not latest)',
      '[production/dockerfile-base-pinned] app/Dockerfile: FROM python:latest must name a version tag or digest (not latest)',
      '[production/dockerfile-non-root] app/Dockerfile: the final stage sets no USER, so the image runs as root',
    ]);
    expect(
      checkDockerfile('Dockerfile', 'FROM nginx:1.27.2\nUSER root\n').map(
        formatFinding,
      ),
    ).toEqual([
      '[production/dockerfile-non-root] Dockerfile: the final stage runs as root',
    ]);
  });
});
