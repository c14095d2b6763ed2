import { parseEntityRef } from '@backstage/catalog-model';
import {
  BATCH_ID_MAX_LENGTH,
  CLUSTER_FIELD_MAX_LENGTH,
  CLUSTER_ID_MAX_LENGTH,
  CLUSTER_STATUSES,
  ClusterRegistration,
  ISTIO_VERSION_MAX_LENGTH,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { z } from 'zod';

/** A DNS label: the id ends up in branch names, entity names and URLs. */
export const CLUSTER_ID_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export { CLUSTER_ID_MAX_LENGTH };
export const ISTIO_VERSION_PATTERN = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

const text = z.string().trim().min(1, 'must not be empty');
/** Text kept in a column of its own, which holds at most `max` characters. */
const columnText = (max = CLUSTER_FIELD_MAX_LENGTH) =>
  text.max(max, `must be at most ${max} characters`);

const entityRef = text.refine(
  ref => {
    try {
      parseEntityRef(ref);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an entity ref with a kind, e.g. group:default/platform' },
);

/**
 * A cluster registration, as written in `upgradeWaves.registry.clusters` and sent to `POST /clusters`.
 * Unknown keys are dropped.
 */
export const clusterRegistrationSchema = z.object({
  clusterId: z
    .string()
    .max(
      CLUSTER_ID_MAX_LENGTH,
      `must be at most ${CLUSTER_ID_MAX_LENGTH} characters`,
    )
    .regex(
      CLUSTER_ID_PATTERN,
      'must be lower-case letters, digits and dashes, starting and ending with a letter or digit',
    ),
  name: columnText(),
  batchId: columnText(BATCH_ID_MAX_LENGTH),
  environment: columnText(),
  region: columnText(),
  account: columnText().optional(),
  roleArn: text.optional(),
  access: z
    .object({
      kubernetesClusterName: text.optional(),
      kubeconfigContext: text.optional(),
    })
    .default({}),
  gitops: z.object({
    project: columnText(),
    branch: columnText().optional(),
    paths: z.array(text).min(1, 'must list at least one HelmRelease file'),
  }),
  istioVersion: z
    .string()
    .max(
      ISTIO_VERSION_MAX_LENGTH,
      `must be at most ${ISTIO_VERSION_MAX_LENGTH} characters`,
    )
    .regex(
      ISTIO_VERSION_PATTERN,
      'must be a version such as 1.24.2 or 1.25.0-beta.1',
    ),
  istioRevision: columnText().optional(),
  owners: z.array(entityRef),
  status: z.enum(CLUSTER_STATUSES).optional(),
  metrics: z
    .object({
      requestRate: text.optional(),
      errorRate: text.optional(),
      latencyP95Ms: text.optional(),
    })
    .optional(),
  datadogTags: z.array(text).optional(),
}) satisfies z.ZodType<ClusterRegistration, z.ZodTypeDef, unknown>;
