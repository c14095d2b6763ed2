import { describeObject, KubeObject, SourcedObject } from './documents';
import { Finding } from './Finding';

/** Objects applied together: one kustomize build, or the manifests outside any kustomization. */
export interface ObjectSet {
  label: string;
  objects: SourcedObject[];
}

interface Workload {
  source: SourcedObject;
  kind: string;
  namespace: string;
  podSpec: any;
  podLabels: Record<string, string>;
  /** Runs until stopped (Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod), as opposed to Jobs and CronJobs. */
  longRunning: boolean;
  /** spec.replicas where the kind has one. */
  replicas?: number;
}

const NAMESPACE_UNSET = '(namespace not set)';

function namespaceOf(object: KubeObject): string {
  return object.metadata?.namespace ?? NAMESPACE_UNSET;
}

/** Where each workload kind keeps its pod template, whether it runs until stopped, whether it has replicas. */
const WORKLOAD_KINDS: Record<
  string,
  { podTemplate: (spec: any) => any; longRunning: boolean; replicated: boolean }
> = {
  Deployment: {
    podTemplate: spec => spec?.template,
    longRunning: true,
    replicated: true,
  },
  StatefulSet: {
    podTemplate: spec => spec?.template,
    longRunning: true,
    replicated: true,
  },
  ReplicaSet: {
    podTemplate: spec => spec?.template,
    longRunning: true,
    replicated: true,
  },
  DaemonSet: {
    podTemplate: spec => spec?.template,
    longRunning: true,
    replicated: false,
  },
  Job: {
    podTemplate: spec => spec?.template,
    longRunning: false,
    replicated: false,
  },
  CronJob: {
    podTemplate: spec => spec?.jobTemplate?.spec?.template,
    longRunning: false,
    replicated: false,
  },
};

/** The workload behind an object, if it runs pods. */
export function workloadOf(source: SourcedObject): Workload | undefined {
  const { object } = source;
  const base = { source, kind: object.kind!, namespace: namespaceOf(object) };
  if (object.kind === 'Pod') {
    return {
      ...base,
      podSpec: object.spec ?? {},
      podLabels: object.metadata?.labels ?? {},
      longRunning: true,
    };
  }
  const kind = WORKLOAD_KINDS[object.kind ?? ''];
  if (!kind) return undefined;
  const template = kind.podTemplate(object.spec);
  return {
    ...base,
    podSpec: template?.spec ?? {},
    podLabels: template?.metadata?.labels ?? {},
    longRunning: kind.longRunning,
    replicas: kind.replicated ? object.spec?.replicas ?? 1 : undefined,
  };
}

/** A tag or digest that names one build: not `latest`, not missing. */
export function isPinnedImage(image: unknown): boolean {
  if (typeof image !== 'string' || image.trim() === '') return false;
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const lastSegment = image.split('/').pop()!;
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0) return false;
  const tag = lastSegment.slice(colon + 1);
  return tag !== '' && tag !== 'latest' && !/\{\{|\$\{/.test(tag);
}

/** Whether a label selector (matchLabels + matchExpressions) selects pods with these labels. */
export function selectorMatches(
  selector: any,
  labels: Record<string, string>,
): boolean {
  if (!selector) return false;
  const matchLabels: Record<string, string> = selector.matchLabels ?? {};
  const expressions: any[] = selector.matchExpressions ?? [];
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0)
    return true;
  const labelsOk = Object.entries(matchLabels).every(
    ([k, v]) => labels[k] === v,
  );
  const expressionsOk = expressions.every(e => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In':
        return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn':
        return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
  return labelsOk && expressionsOk;
}

const CREDENTIAL_ENV =
  /(PASSWORD|PASSWD|SECRET|TOKEN|ACCESS_KEY|PRIVATE_KEY|API_KEY|CREDENTIALS?)$/i;

/** The rules every container of every workload obeys. */
function containerFindings(
  workload: Workload,
  finding: (rule: string, message: string, container?: string) => void,
) {
  const pod = workload.podSpec;
  const podSecurity = pod.securityContext ?? {};
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) {
    finding(
      'no-host-namespaces',
      'hostNetwork, hostPID and hostIPC must stay off',
    );
  }
  const containers: Array<{ c: any; init: boolean }> = [
    ...(pod.initContainers ?? []).map((c: any) => ({ c, init: true })),
    ...(pod.containers ?? []).map((c: any) => ({ c, init: false })),
  ];
  if ((pod.containers ?? []).length === 0)
    finding('containers', 'the pod template has no containers');
  for (const { c, init } of containers) {
    const name = `${init ? 'initContainer' : 'container'} ${c.name}`;
    const sc = c.securityContext ?? {};
    if (!isPinnedImage(c.image)) {
      finding(
        'image-pinned',
        `image ${JSON.stringify(
          c.image,
        )} must carry a version tag or digest (not latest)`,
        name,
      );
    }
    const runAsNonRoot = sc.runAsNonRoot ?? podSecurity.runAsNonRoot;
    if (runAsNonRoot !== true)
      finding(
        'run-as-non-root',
        'securityContext.runAsNonRoot must be true (container or pod)',
        name,
      );
    const runAsUser = sc.runAsUser ?? podSecurity.runAsUser;
    if (runAsUser === 0)
      finding('run-as-non-root', 'runAsUser must not be 0', name);
    if (sc.readOnlyRootFilesystem !== true)
      finding(
        'read-only-root-filesystem',
        'securityContext.readOnlyRootFilesystem must be true',
        name,
      );
    if (!(sc.capabilities?.drop ?? []).includes('ALL'))
      finding(
        'drop-all-capabilities',
        'securityContext.capabilities.drop must include ALL',
        name,
      );
    if (sc.allowPrivilegeEscalation !== false)
      finding(
        'no-privilege-escalation',
        'securityContext.allowPrivilegeEscalation must be false',
        name,
      );
    if (sc.privileged === true)
      finding(
        'no-privilege-escalation',
        'securityContext.privileged must not be true',
        name,
      );
    const seccomp = (sc.seccompProfile ?? podSecurity.seccompProfile)?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      finding(
        'seccomp',
        'seccompProfile.type must be RuntimeDefault or Localhost (container or pod)',
        name,
      );
    }
    for (const kind of ['requests', 'limits'] as const) {
      for (const resource of ['cpu', 'memory']) {
        if (c.resources?.[kind]?.[resource] === undefined) {
          finding(
            'resources',
            `resources.${kind}.${resource} must be set`,
            name,
          );
        }
      }
    }
    if (workload.longRunning && !init) {
      const missing = [
        'livenessProbe',
        'readinessProbe',
        'startupProbe',
      ].filter(p => !c[p]);
      if (missing.length > 0)
        finding('probes', `${missing.join(', ')} missing`, name);
    }
    for (const env of c.env ?? []) {
      if (
        CREDENTIAL_ENV.test(env?.name ?? '') &&
        env.value !== undefined &&
        env.value !== ''
      ) {
        finding(
          'credentials-from-secrets',
          `env ${env.name} has a literal value; take it from a Secret (valueFrom.secretKeyRef)`,
          name,
        );
      }
    }
  }
}

function isDefaultDeny(policy: KubeObject): boolean {
  const spec = policy.spec ?? {};
  const selector = spec.podSelector ?? {};
  const selectsAll =
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).length === 0;
  const types: string[] = spec.policyTypes ?? [];
  return (
    selectsAll &&
    types.includes('Ingress') &&
    types.includes('Egress') &&
    (spec.ingress ?? []).length === 0 &&
    (spec.egress ?? []).length === 0
  );
}

/** The minimum replicas a workload runs with: the HPA's minReplicas when one scales it, else spec.replicas. */
function minimumReplicas(
  workload: Workload,
  objects: KubeObject[],
): number | undefined {
  const hpa = objects.find(
    o =>
      o.kind === 'HorizontalPodAutoscaler' &&
      namespaceOf(o) === workload.namespace &&
      o.spec?.scaleTargetRef?.kind === workload.kind &&
      o.spec?.scaleTargetRef?.name === workload.source.object.metadata?.name,
  );
  if (hpa) return hpa.spec?.minReplicas ?? 1;
  return workload.replicas;
}

/** Checks the production rules of seed 000 on one set of objects applied together. */
export function checkProductionRules(set: ObjectSet): Finding[] {
  const findings: Finding[] = [];
  const objects = set.objects.map(s => s.object);
  const workloads = set.objects
    .map(workloadOf)
    .filter((w): w is Workload => w !== undefined);

  for (const workload of workloads) {
    const { file } = workload.source;
    const objectName = describeObject(workload.source.object);
    containerFindings(workload, (rule, message, container) =>
      findings.push({
        gate: 'production',
        file,
        object: container ? `${objectName} ${container}` : objectName,
        rule,
        message,
      }),
    );

    const minReplicas = minimumReplicas(workload, objects);
    if (minReplicas !== undefined && minReplicas >= 2) {
      const pdbs = objects.filter(
        o =>
          o.kind === 'PodDisruptionBudget' &&
          namespaceOf(o) === workload.namespace &&
          selectorMatches(o.spec?.selector, workload.podLabels),
      );
      if (pdbs.length === 0) {
        findings.push({
          gate: 'production',
          file,
          object: objectName,
          rule: 'pdb',
          message: `runs ${minReplicas}+ replicas but no PodDisruptionBudget selects its pods`,
        });
      }
      for (const pdb of pdbs) {
        const { minAvailable, maxUnavailable } = pdb.spec ?? {};
        if (
          (typeof minAvailable === 'number' && minAvailable >= minReplicas) ||
          maxUnavailable === 0 ||
          minAvailable === '100%' ||
          maxUnavailable === '0%'
        ) {
          findings.push({
            gate: 'production',
            file,
            object: objectName,
            rule: 'pdb',
            message: `${describeObject(
              pdb,
            )} allows no voluntary disruption at ${minReplicas} replicas (node drains would hang)`,
          });
        }
      }
    }
  }

  const namespaces = [...new Set(workloads.map(w => w.namespace))];
  for (const namespace of namespaces) {
    const denies = objects.some(
      o =>
        o.kind === 'NetworkPolicy' &&
        namespaceOf(o) === namespace &&
        isDefaultDeny(o),
    );
    if (!denies) {
      const first = workloads.find(w => w.namespace === namespace)!;
      findings.push({
        gate: 'production',
        file: first.source.file,
        object: `Namespace/${namespace}`,
        rule: 'default-deny-network-policy',
        message: `${set.label}: no NetworkPolicy with podSelector {} and policyTypes [Ingress, Egress] and no rules denies by default in this namespace`,
      });
    }
  }

  for (const source of set.objects) {
    const { object } = source;
    if (
      object.kind !== 'Service' ||
      !object.spec?.selector ||
      object.spec?.type === 'ExternalName'
    )
      continue;
    const selects = workloads.some(
      w =>
        w.namespace === namespaceOf(object) &&
        w.longRunning &&
        selectorMatches({ matchLabels: object.spec.selector }, w.podLabels),
    );
    if (!selects) {
      findings.push({
        gate: 'production',
        file: source.file,
        object: describeObject(object),
        rule: 'service-selects-pods',
        message: `selector ${JSON.stringify(
          object.spec.selector,
        )} matches no workload's pods in ${set.label}`,
      });
    }
  }
  return findings;
}

/** Dockerfiles: every base image pinned, and the image runs as a non-root user. */
export function checkDockerfile(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  const lines = text.split('\n').map(l => l.trim());
  const stages = new Set<string>();
  let lastUser: string | undefined;
  for (const line of lines) {
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(
      line,
    );
    if (from) {
      const [, image, alias] = from;
      if (!stages.has(image) && image !== 'scratch' && !isPinnedImage(image)) {
        findings.push({
          gate: 'production',
          file,
          rule: 'dockerfile-base-pinned',
          message: `FROM ${image} must name a version tag or digest (not latest)`,
        });
      }
      if (alias) stages.add(alias);
      lastUser = undefined;
    }
    const user = /^USER\s+(\S+)/i.exec(line);
    if (user) lastUser = user[1];
  }
  if (lastUser === undefined) {
    findings.push({
      gate: 'production',
      file,
      rule: 'dockerfile-non-root',
      message: 'the final stage sets no USER, so the image runs as root',
    });
  } else if (/^(root|0)(:|$)/.test(lastUser)) {
    findings.push({
      gate: 'production',
      file,
      rule: 'dockerfile-non-root',
      message: `the final stage runs as ${lastUser}`,
    });
  }
  return findings;
}
