/** The kinds a sandbox API server serves, as its discovery documents describe them. */
export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Subresources served next to the resource (`status`). */
  subresources: string[];
}

const VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

function type(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    subresources: [],
    ...extra,
  };
}

export const RESOURCE_TYPES: ResourceType[] = [
  type('', 'v1', 'Namespace', 'namespaces', false, {
    shortNames: ['ns'],
    subresources: ['status'],
  }),
  type('', 'v1', 'Node', 'nodes', false, {
    shortNames: ['no'],
    subresources: ['status'],
  }),
  type('', 'v1', 'Pod', 'pods', true, {
    shortNames: ['po'],
    subresources: ['status'],
  }),
  type('', 'v1', 'Service', 'services', true, {
    shortNames: ['svc'],
    subresources: ['status'],
  }),
  type('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  type('', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  type('', 'v1', 'Secret', 'secrets', true),
  type('', 'v1', 'LimitRange', 'limitranges', true, { shortNames: ['limits'] }),
  type('', 'v1', 'ResourceQuota', 'resourcequotas', true, {
    shortNames: ['quota'],
    subresources: ['status'],
  }),
  type('', 'v1', 'PersistentVolume', 'persistentvolumes', false, {
    shortNames: ['pv'],
    subresources: ['status'],
  }),
  type('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, {
    shortNames: ['pvc'],
    subresources: ['status'],
  }),
  type('apps', 'v1', 'Deployment', 'deployments', true, {
    shortNames: ['deploy'],
    subresources: ['status'],
  }),
  type('apps', 'v1', 'ReplicaSet', 'replicasets', true, {
    shortNames: ['rs'],
    subresources: ['status'],
  }),
  type('apps', 'v1', 'StatefulSet', 'statefulsets', true, {
    shortNames: ['sts'],
    subresources: ['status'],
  }),
  type('apps', 'v1', 'DaemonSet', 'daemonsets', true, {
    shortNames: ['ds'],
    subresources: ['status'],
  }),
  type('batch', 'v1', 'Job', 'jobs', true, { subresources: ['status'] }),
  type('batch', 'v1', 'CronJob', 'cronjobs', true, {
    shortNames: ['cj'],
    subresources: ['status'],
  }),
  type(
    'autoscaling',
    'v2',
    'HorizontalPodAutoscaler',
    'horizontalpodautoscalers',
    true,
    { shortNames: ['hpa'], subresources: ['status'] },
  ),
  type('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, {
    shortNames: ['ing'],
    subresources: ['status'],
  }),
  type('helm.toolkit.fluxcd.io', 'v2', 'HelmRelease', 'helmreleases', true, {
    shortNames: ['hr'],
    subresources: ['status'],
  }),
  type(
    'admissionregistration.k8s.io',
    'v1',
    'MutatingWebhookConfiguration',
    'mutatingwebhookconfigurations',
    false,
  ),
  type(
    'apiextensions.k8s.io',
    'v1',
    'CustomResourceDefinition',
    'customresourcedefinitions',
    false,
    { shortNames: ['crd', 'crds'], subresources: ['status'] },
  ),
];

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** Stable key of a resource type, e.g. `apps/v1/deployments` or `v1/pods`. */
export function typeKey(t: ResourceType): string {
  return `${apiVersionOf(t)}/${t.plural}`;
}

export function findType(
  group: string,
  version: string,
  plural: string,
): ResourceType | undefined {
  return RESOURCE_TYPES.find(
    t => t.group === group && t.version === version && t.plural === plural,
  );
}

export function typeOfKind(kind: string): ResourceType {
  const found = RESOURCE_TYPES.find(t => t.kind === kind);
  if (!found) {
    throw new Error(`The sandbox does not serve kind ${kind}`);
  }
  return found;
}

/** APIResourceList for `/api/v1` or `/apis/<group>/<version>`. */
export function apiResourceList(group: string, version: string) {
  const types = RESOURCE_TYPES.filter(
    t => t.group === group && t.version === version,
  );
  if (types.length === 0) {
    return undefined;
  }
  const resources = types.flatMap(t => [
    {
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: VERBS,
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
    },
    ...t.subresources.map(sub => ({
      name: `${t.plural}/${sub}`,
      singularName: '',
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: ['get', 'patch', 'update'],
    })),
  ]);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

/** APIGroupList for `/apis`. */
export function apiGroupList() {
  const groups = [...new Set(RESOURCE_TYPES.map(t => t.group).filter(Boolean))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map(apiGroup),
  };
}

export function apiGroup(group: string) {
  const versions = [
    ...new Set(
      RESOURCE_TYPES.filter(t => t.group === group).map(t => t.version),
    ),
  ].map(version => ({ groupVersion: `${group}/${version}`, version }));
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: group,
    versions,
    preferredVersion: versions[0],
  };
}
