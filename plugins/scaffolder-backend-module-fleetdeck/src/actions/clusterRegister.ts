import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  BATCH_ID_MAX_LENGTH,
  ClusterAccess,
  ClusterRegistration,
  CLUSTER_FIELD_MAX_LENGTH,
  CLUSTER_ID_MAX_LENGTH,
  CLUSTER_STATUSES,
  clusterRegisterPermission,
  ISTIO_VERSION_MAX_LENGTH,
} from '@fleetdeck/plugin-upgrade-waves-common';
import {
  ActionZod,
  TaskInitiator,
  UpgradeWavesClientSource,
  clientFor,
} from './client';
import { callUpgradeWaves } from './errors';
import { ISTIO_VERSION_PATTERN } from './upgradeStart';
import { checkExamples, examples } from './clusterRegister.examples';

/**
 * Mirrors `ClusterRegistration` from upgrade-waves-common; the handler passes it on typed as one. The backend
 * decides the rest (status, metric queries) and refuses what a registration may not set. @internal
 */
export const clusterRegisterInput = (z: ActionZod) =>
  z.object({
    clusterId: z
      .string({ description: 'Unique id of the cluster in the registry' })
      .min(1)
      .max(CLUSTER_ID_MAX_LENGTH),
    name: z
      .string({ description: 'The cluster name, e.g. `prod-eu-1`' })
      .min(1)
      .max(CLUSTER_FIELD_MAX_LENGTH),
    batchId: z
      .string({ description: 'The upgrade batch the cluster belongs to' })
      .min(1)
      .max(BATCH_ID_MAX_LENGTH),
    environment: z
      .string({ description: 'e.g. `dev`, `staging`, `prod`' })
      .min(1)
      .max(CLUSTER_FIELD_MAX_LENGTH),
    region: z
      .string({ description: 'e.g. `eu-west-1`' })
      .min(1)
      .max(CLUSTER_FIELD_MAX_LENGTH),
    account: z
      .string({ description: 'Cloud account id' })
      .max(CLUSTER_FIELD_MAX_LENGTH)
      .optional(),
    roleArn: z
      .string({ description: 'IAM role to assume for the cluster' })
      .optional(),
    access: z
      .object(
        {
          kubernetesClusterName: z
            .string({
              description:
                'The cluster in `kubernetes.clusterLocatorMethods`; defaults to the cluster name',
            })
            .optional(),
          kubeconfigContext: z
            .string({
              description:
                'A context of the kubeconfig configured in `upgradeWaves.kubeconfig`',
            })
            .optional(),
        },
        {
          description:
            "How to reach the cluster's API server; its `kubernetes` entry by name when absent",
        },
      )
      .optional(),
    gitops: z.object(
      {
        project: z
          .string({ description: 'GitLab project path of the GitOps repo' })
          .min(1)
          .max(CLUSTER_FIELD_MAX_LENGTH),
        branch: z
          .string({
            description:
              "The branch Flux follows; the project's default when absent",
          })
          .max(CLUSTER_FIELD_MAX_LENGTH)
          .optional(),
        paths: z
          .array(z.string().min(1), {
            description:
              'Paths of the Flux HelmRelease files for istio base, istiod and gateways',
          })
          .min(1),
      },
      { description: "Where the cluster's Istio HelmReleases live" },
    ),
    istioVersion: z
      .string({
        description: 'The Istio version the cluster runs now, `x.y.z`',
      })
      .max(ISTIO_VERSION_MAX_LENGTH)
      .regex(ISTIO_VERSION_PATTERN, 'istioVersion must look like 1.24.2'),
    istioRevision: z
      .string({ description: 'The Istio revision label, e.g. `1-24-2`' })
      .max(CLUSTER_FIELD_MAX_LENGTH)
      .optional(),
    owners: z
      .array(z.string().min(1), {
        description: 'Entity refs of the owners, e.g. `group:default/platform`',
      })
      .min(1),
    datadogTags: z
      .array(z.string(), {
        description:
          "Datadog `key:value` tags scoping the cluster's monitors and metrics; one must have the cluster name as its value, e.g. `cluster_name:prod-eu-1`",
      })
      .optional(),
  });

const registeredOutput = (z: ActionZod) =>
  z.object({
    clusterId: z.string({ description: 'The registered cluster' }),
    status: z.enum(CLUSTER_STATUSES, {
      description: 'The cluster status in the registry',
    }),
  });

/** Registers, or only checks (`dryRun`), as the task's initiator; refusals become the scaffolder's errors. */
function register(
  options: { client: UpgradeWavesClientSource },
  ctx: TaskInitiator & {
    input: Omit<ClusterRegistration, 'access'> & { access?: ClusterAccess };
  },
  dryRun: boolean,
) {
  const { access, ...registration } = ctx.input;
  const client = clientFor(options.client, ctx);
  return callUpgradeWaves(
    {
      doing: `register cluster '${registration.clusterId}'`,
      permissions: [clusterRegisterPermission.name],
    },
    async () => {
      const registered = await client.registerCluster(
        { ...registration, access: access ?? {} },
        { dryRun },
      );
      return { clusterId: registered.clusterId, status: registered.status };
    },
  );
}

/**
 * Creates the `fleetdeck:cluster:register` action: registers (or updates) a cluster in the
 * upgrade-waves registry, as the user who runs the template.
 *
 * @public
 */
export function createClusterRegisterAction(options: {
  client: UpgradeWavesClientSource;
}) {
  return createTemplateAction({
    id: 'fleetdeck:cluster:register',
    description:
      'Registers a Kubernetes cluster in the Fleetdeck cluster registry so upgrade waves include it.',
    examples,
    schema: { input: clusterRegisterInput, output: registeredOutput },
    async handler(ctx) {
      const cluster = await ctx.checkpoint({
        key: `fleetdeck.cluster.register.${ctx.input.clusterId}`,
        fn: () => register(options, ctx, false),
      });
      ctx.logger.info(
        `Cluster ${cluster.clusterId} is registered in batch ${ctx.input.batchId} (${cluster.status})`,
      );
      ctx.output('clusterId', cluster.clusterId);
      ctx.output('status', cluster.status);
    },
  });
}

/**
 * Creates the `fleetdeck:cluster:check-registration` action: asks the upgrade-waves backend, as the user who
 * runs the template, whether it would register this cluster (the permission, every field, the cluster
 * reference), and stores nothing. A template runs it before anything it does with the server's own
 * credentials (such as opening a GitLab merge request), so a refused user leaves nothing behind.
 *
 * @public
 */
export function createClusterCheckRegistrationAction(options: {
  client: UpgradeWavesClientSource;
}) {
  return createTemplateAction({
    id: 'fleetdeck:cluster:check-registration',
    description:
      'Checks that the user running the template may register this cluster and that the registry would accept it; registers nothing.',
    examples: checkExamples,
    schema: {
      input: clusterRegisterInput,
      output: z =>
        z.object({
          clusterId: z.string({ description: 'The cluster checked' }),
          status: z.enum(CLUSTER_STATUSES, {
            description:
              'The status the cluster would have: PENDING when new, its recorded one otherwise',
          }),
        }),
    },
    async handler(ctx) {
      const cluster = await register(options, ctx, true);
      ctx.logger.info(
        `Cluster ${cluster.clusterId} may be registered in batch ${ctx.input.batchId} (it would be ${cluster.status})`,
      );
      ctx.output('clusterId', cluster.clusterId);
      ctx.output('status', cluster.status);
    },
  });
}
